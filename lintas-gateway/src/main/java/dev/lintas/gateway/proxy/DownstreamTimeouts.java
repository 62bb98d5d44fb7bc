package dev.lintas.gateway.proxy;

import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The two timeouts of a client connection, next to the socket where every byte in and out passes:
 * <ul>
 *   <li>the header timeout, the defence against slowloris: a request head must arrive whole within
 *   {@code header-timeout} of the connection opening or of its first byte, else the client gets 408 and is
 *   closed. The 408 is written as raw bytes, since this handler sits before the codec;</li>
 *   <li>the idle timeout: with nothing read or written for {@code idle-timeout}, an {@link IdleStateEvent} goes
 *   down the pipeline, whose last handler closes the connection.</li>
 * </ul>
 * Event loop only.
 */
final class DownstreamTimeouts extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(DownstreamTimeouts.class);
    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: 40\r\n"
            + "Connection: close\r\n"
            + "\r\n"
            + "the request head did not arrive in time\n").getBytes(StandardCharsets.US_ASCII);

    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private ChannelHandlerContext ctx;
    private LazyTimer header;
    private LazyTimer idle;
    /** True while an exchange runs or the connection is a tunnel: the header timeout does not apply then. */
    private boolean busy;

    DownstreamTimeouts(long headerTimeoutNanos, long idleTimeoutNanos) {
        this.headerTimeoutNanos = headerTimeoutNanos;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        header = new LazyTimer(ctx.executor(), this::headerExpired);
        idle = new LazyTimer(ctx.executor(), this::idleExpired);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        header.arm(headerTimeoutNanos);
        idle.arm(idleTimeoutNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        idle.arm(idleTimeoutNanos);
        if (!busy && !header.armed() && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            header.arm(headerTimeoutNanos);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        idle.arm(idleTimeoutNanos);
        ctx.write(msg, promise);
    }

    /** A request head has been decoded: the header timeout stops. */
    void headReceived() {
        busy = true;
        header.disarm();
    }

    /** The exchange is over: the next request's first byte starts the header timeout again. */
    void awaitRequest() {
        busy = false;
    }

    private void headerExpired() {
        if (busy || !ctx.channel().isActive()) {
            return;
        }
        log.debug("closing {}: request head not received within the header timeout", ctx.channel().remoteAddress());
        ByteBuf answer = Unpooled.wrappedBuffer(REQUEST_TIMEOUT);
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    private void idleExpired() {
        if (ctx.channel().isActive()) {
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        header.cancel();
        idle.cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        header.cancel();
        idle.cancel();
        ctx.fireChannelInactive();
    }
}
