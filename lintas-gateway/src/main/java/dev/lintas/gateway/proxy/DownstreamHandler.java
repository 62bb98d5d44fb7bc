package dev.lintas.gateway.proxy;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a client connection: starts one {@link ProxyExchange} per request, one at a time.
 * Pipelined requests that arrive while an exchange runs wait in a queue and are answered in order. The channel
 * reads on its own except when that would pile data up: while pipelined requests wait, while the upstream cannot
 * take more of a request body, and while no connection is ready for the body yet. Switching reading off and on
 * costs system calls, so it happens only then, never once per request.
 * <p>
 * Event loop only.
 */
final class DownstreamHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(DownstreamHandler.class);
    /** After a final answer on a connection that still has request bytes coming, read and drop them this long. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long LINGER_BYTES = 1 << 20;

    private final ProxyContext context;
    private final DownstreamTimeouts timeouts;
    private final DownstreamCodec codec;
    private final ArrayDeque<Object> queued = new ArrayDeque<>(2);
    private ChannelHandlerContext ctx;
    private ClientAddress client;
    private ProxyExchange current;
    /** Mirrors the channel's AUTO_READ, to change it only when the wish changes. */
    private boolean autoRead = true;
    /** True between the first channelRead of a read burst and its channelReadComplete. */
    private boolean inReadBurst;
    private boolean lingering;
    private long lingered;
    private ScheduledFuture<?> lingerTimer;

    DownstreamHandler(ProxyContext context, DownstreamTimeouts timeouts, DownstreamCodec codec) {
        this.context = context;
        this.timeouts = timeouts;
        this.codec = codec;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ClientAddress.of((java.net.InetSocketAddress) ctx.channel().remoteAddress());
        context.metrics().downstreamOpened();
        ctx.channel().closeFuture().addListener(f -> context.metrics().downstreamClosed());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inReadBurst = true;
        if (lingering) {
            discard(msg);
            return;
        }
        if (!queued.isEmpty() || (current != null && !isBodyOfCurrent(msg))) {
            queued.add(msg);
            updateReading();
            return;
        }
        handle(msg);
    }

    private boolean isBodyOfCurrent(Object msg) {
        return msg instanceof HttpContent && !(msg instanceof HttpRequest) && !current.requestComplete();
    }

    private void handle(Object msg) {
        if (msg instanceof HttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                ReferenceCountUtil.release(msg);
                refuse(request.decoderResult().cause());
                return;
            }
            timeouts.headReceived();
            current = new ProxyExchange(this, ctx, context, client, request);
            current.start();
        } else if (msg instanceof HttpContent part && current != null) {
            current.onRequestContent(part);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Answers a request the decoder could not accept, then closes: the decoder drops all that follows. */
    private void refuse(Throwable cause) {
        HttpResponseStatus status;
        if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        } else if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
        } else if (cause instanceof TooLongFrameException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
        }
        String reason = cause == null || cause.getMessage() == null ? "malformed request" : cause.getMessage();
        refuse(status, reason);
    }

    /** Answers {@code status} with {@code reason}, then half-closes and drains the connection. */
    private void refuse(HttpResponseStatus status, String reason) {
        log.debug("refusing request from {}: {} ({})", ctx.channel().remoteAddress(), status.code(), reason);
        releaseQueued();
        var response = LocalResponses.of(ctx.alloc(), status, status.reasonPhrase().toLowerCase() + ": "
                + reason + "\n", false);
        context.metrics().route("-", "-").record(status.code(), 0, -1);
        context.accessLog().log(System.currentTimeMillis(), client == null ? "-" : client.ip(), "-", "-",
                status.code(), response.content().readableBytes(), null, -1, 0);
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> linger());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inReadBurst = false;
        if (current != null) {
            current.downstreamReadComplete();
        }
        updateReading();
        ctx.fireChannelReadComplete();
    }

    /** Whether a read burst is under way, whose end will flush what the exchange wrote upstream. */
    boolean inReadBurst() {
        return inReadBurst;
    }

    /** Reads from the client while something here wants its bytes, and stops when nothing does. */
    void updateReading() {
        boolean want = lingering || (queued.isEmpty() && (current == null || current.wantsRead()));
        if (want != autoRead) {
            autoRead = want;
            ctx.channel().config().setAutoRead(want);
        }
    }

    /**
     * The exchange's response has been written.
     *
     * @param keepAlive whether the connection can carry another request
     */
    void exchangeDone(ProxyExchange exchange, boolean keepAlive) {
        if (exchange != current) {
            return;
        }
        boolean requestComplete = exchange.requestComplete();
        current = null;
        if (!keepAlive || context.draining()) {
            if (requestComplete) {
                releaseQueued();
                ctx.close();
            } else {
                linger();
            }
            return;
        }
        timeouts.awaitRequest();
        while (!queued.isEmpty() && (current == null || isBodyOfCurrent(queued.peek()))) {
            handle(queued.poll());
        }
        if (current != null && !inReadBurst) {
            current.downstreamReadComplete(); // what the queue handed on is flushed at once
        }
        if (current == null && codec.holdsPartialRequest()) {
            timeouts.headStarted();
        }
        updateReading();
    }

    /**
     * Half-closes the connection and reads what the client still sends, for a short while, before closing it.
     * Closing with unread bytes makes the kernel send a reset, which can destroy the answer before the client
     * reads it.
     */
    private void linger() {
        releaseQueued();
        if (lingering || !ctx.channel().isActive()) {
            return;
        }
        lingering = true;
        ctx.flush(); // the end of the response may still wait for the loop's pass (LoopFlushes)
        if (ctx.channel() instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        }
        lingerTimer = ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGER_NANOS, TimeUnit.NANOSECONDS);
        updateReading();
    }

    private void discard(Object msg) {
        if (msg instanceof HttpContent part) {
            lingered += part.content().readableBytes();
        }
        boolean last = msg instanceof LastHttpContent;
        ReferenceCountUtil.release(msg);
        if (last || lingered > LINGER_BYTES) {
            ctx.close();
        }
    }

    private void releaseQueued() {
        Object msg;
        while ((msg = queued.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseQueued();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && current != null) {
            current.downstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == DownstreamTimeouts.HEADER_TIMEOUT) {
            if (current == null && !lingering) {
                refuse(HttpResponseStatus.REQUEST_TIMEOUT, "the request head did not arrive in time");
            }
            return;
        }
        if (event instanceof IdleStateEvent) {
            if (current != null) {
                current.downstreamGone("idle timeout");
            }
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            current.downstreamGone("connection closed");
            current = null;
        }
        releaseQueued();
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("client connection {} failed", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    /** Whether this connection sits between requests, so that a drain may close it at once. */
    boolean idle() {
        return current == null && queued.isEmpty();
    }
}
