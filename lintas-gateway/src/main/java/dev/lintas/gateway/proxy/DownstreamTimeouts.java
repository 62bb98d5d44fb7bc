package dev.lintas.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The two timeouts of a client connection, next to the socket where every byte in and out passes (and where every
 * close passes, which flushes first):
 * <ul>
 *   <li>the header timeout, the defence against slowloris: a request head must arrive whole within
 *   {@code header-timeout} of the connection opening or of its first byte, else {@link #HEADER_TIMEOUT} goes down
 *   the pipeline, whose last handler answers 408 and closes;</li>
 *   <li>the idle timeout: with nothing read or written for {@code idle-timeout}, an {@link IdleStateEvent} goes
 *   down the pipeline, whose last handler closes the connection.</li>
 * </ul>
 * Event loop only.
 */
final class DownstreamTimeouts extends ChannelDuplexHandler {

    /** The user event for a request head that did not arrive within the header timeout. */
    static final Object HEADER_TIMEOUT = new Object() {
        @Override
        public String toString() {
            return "header timeout";
        }
    };

    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;

    private ChannelHandlerContext ctx;
    private LazyTimer header;
    private IdleTimer idle;
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
        idle = new IdleTimer(ctx.executor(), idleTimeoutNanos, this::idleExpired);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        header.arm(headerTimeoutNanos);
        idle.start();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        idle.touch();
        if (!busy && !header.armed() && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            header.arm(headerTimeoutNanos);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        idle.touch();
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

    /** Part of the next request's head arrived while an exchange ran: its header timeout starts now. */
    void headStarted() {
        if (!header.armed()) {
            header.arm(headerTimeoutNanos);
        }
    }

    private void headerExpired() {
        if (busy || !ctx.channel().isActive()) {
            return;
        }
        ctx.fireUserEventTriggered(HEADER_TIMEOUT);
    }

    private void idleExpired() {
        if (ctx.channel().isActive()) {
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        }
    }

    /**
     * Every close of a client connection passes here, next to the socket: what was written but waits for the end of
     * the loop's pass ({@link LoopFlushes}) goes out first, since a close drops what is unflushed.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.flush();
        ctx.close(promise);
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
