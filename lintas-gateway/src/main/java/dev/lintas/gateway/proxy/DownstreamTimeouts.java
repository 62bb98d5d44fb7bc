package dev.lintas.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The header timeout, the defence against slowloris: a request head must arrive whole within
 * {@code header-timeout} of the connection opening or of its first byte. A client that is too slow gets 408 and
 * is closed. It sits before the codec and sees raw bytes, so the 408 is written as raw bytes too.
 * <p>
 * Event loop only.
 */
final class DownstreamTimeouts extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(DownstreamTimeouts.class);
    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: 40\r\n"
            + "Connection: close\r\n"
            + "\r\n"
            + "the request head did not arrive in time\n").getBytes(StandardCharsets.US_ASCII);

    private final long headerTimeoutNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    /** True while an exchange runs: its own timeouts apply then. */
    private boolean busy;

    DownstreamTimeouts(long headerTimeoutNanos) {
        this.headerTimeoutNanos = headerTimeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!busy && timer == null && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            arm();
        }
        ctx.fireChannelRead(msg);
    }

    /** A request head has been decoded: the header timeout stops. */
    void headReceived() {
        busy = true;
        cancel();
    }

    /** The exchange is over: the next request's first byte starts the header timeout again. */
    void awaitRequest() {
        busy = false;
    }

    private void arm() {
        cancel();
        timer = ctx.executor().schedule(this::expired, headerTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (busy || !ctx.channel().isActive()) {
            return;
        }
        log.debug("closing {}: request head not received within the header timeout", ctx.channel().remoteAddress());
        ByteBuf answer = Unpooled.wrappedBuffer(REQUEST_TIMEOUT);
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }
}
