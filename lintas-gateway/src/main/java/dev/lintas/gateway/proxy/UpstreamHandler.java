package dev.lintas.gateway.proxy;

import java.util.ArrayList;
import java.util.List;

import dev.lintas.gateway.upstream.Server;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection. While an exchange owns the connection, every event goes to that
 * exchange, which moves it onto its own event loop; while the connection waits in the pool, anything that arrives
 * closes it, since an idle HTTP/1.1 connection has nothing to say. It also keeps the connection's two timeouts
 * while it is owned: nothing read or written for {@code idle-timeout}, and no response head within
 * {@code response-timeout} of the request's end.
 * <p>
 * Events and timers run on the connection's event loop; {@link #owner} is handed between loops, hence volatile.
 */
final class UpstreamHandler extends ChannelDuplexHandler {

    private final Server server;
    private final Channel channel;
    private final IdleTimer idle;
    private final LazyTimer response;
    private volatile ProxyExchange owner;
    /** Whether the current owner took this connection from the pool. */
    private volatile boolean reused;
    /** Set when the connection becomes a tunnel: raw bytes wait here until the tunnel is joined. */
    private volatile List<ByteBuf> tunnelPending;
    private long responseTimeoutNanos;

    UpstreamHandler(Server server, Channel channel, long idleNanos) {
        this.server = server;
        this.channel = channel;
        this.idle = new IdleTimer(channel.eventLoop(), idleNanos,
                () -> timedOut(ProxyFailure.UPSTREAM_IDLE, "idle timeout"));
        this.response = new LazyTimer(channel.eventLoop(), () -> timedOut(ProxyFailure.RESPONSE_TIMEOUT,
                "no response head within " + responseTimeoutNanos / 1_000_000 + "ms"));
    }

    Server server() {
        return server;
    }

    Channel channel() {
        return channel;
    }

    boolean reused() {
        return reused;
    }

    static UpstreamHandler of(Channel channel) {
        return (UpstreamHandler) channel.pipeline().last();
    }

    void attach(ProxyExchange exchange, boolean fromPool) {
        reused = fromPool;
        owner = exchange;
        if (channel.eventLoop().inEventLoop()) {
            startIdle();
        } else {
            channel.eventLoop().execute(this::startIdle);
        }
    }

    /** Only while open: after channelInactive, nothing would cancel the timer's periodic task again. */
    private void startIdle() {
        if (channel.isActive()) {
            idle.start();
        }
    }

    /** Stops the idle timeout while the exchange holds this connection back for a slow client. */
    void pauseIdle() {
        onLoop(idle::pause);
    }

    void resumeIdle() {
        onLoop(this::startIdle);
    }

    /** Gives the connection up; its timers stop. Reading is switched back on, so that a close is noticed. */
    void detach() {
        owner = null;
        if (channel.eventLoop().inEventLoop()) {
            stopTimers();
        } else {
            channel.eventLoop().execute(this::stopTimers);
        }
        channel.config().setAutoRead(true);
    }

    private void stopTimers() {
        idle.pause();
        response.disarm();
    }

    /** The whole request is out: the response head is due within {@code timeoutNanos}. */
    void awaitResponse(long timeoutNanos) {
        if (channel.eventLoop().inEventLoop()) {
            responseTimeoutNanos = timeoutNanos;
            response.arm(timeoutNanos);
        } else {
            channel.eventLoop().execute(() -> awaitResponse(timeoutNanos));
        }
    }

    void responseArrived() {
        if (channel.eventLoop().inEventLoop()) {
            response.disarm();
        } else {
            channel.eventLoop().execute(response::disarm);
        }
    }

    private void onLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    private void timedOut(ProxyFailure failure, String why) {
        ProxyExchange exchange = owner;
        if (exchange != null) {
            failed(exchange, failure, why);
        }
        channel.close();
    }

    // Events go to the exchange on its own loop: directly when the connection shares it, else as a task.

    private void failed(ProxyExchange exchange, ProxyFailure failure, String why) {
        if (exchange.loop().inEventLoop()) {
            exchange.failed(this, failure, why);
        } else {
            exchange.loop().execute(() -> exchange.failed(this, failure, why));
        }
    }

    /**
     * Stops handing events to the exchange. Raw bytes have been kept since the 101 passed through
     * {@link #channelRead}, for {@link #takeTunnelPending()}.
     */
    void startTunnel() {
        owner = null;
        onLoop(() -> {
            idle.cancel();
            response.cancel();
        });
    }

    /** The bytes that arrived before the tunnel was joined. Connection event loop only. */
    List<ByteBuf> takeTunnelPending() {
        List<ByteBuf> pending = tunnelPending;
        tunnelPending = null;
        return pending == null ? List.of() : pending;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        List<ByteBuf> pending = tunnelPending;
        if (pending != null) {
            if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
                pending.add(bytes);
            } else {
                ReferenceCountUtil.release(msg); // the empty end of the 101 response
            }
            return;
        }
        ProxyExchange exchange = owner;
        if (exchange == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse response && response.status().code() == 101) {
            // What follows a 101 in this same read is the new protocol: keep it here, on this loop, until the
            // exchange joins the tunnel or refuses the upgrade (and closes this connection, releasing it).
            tunnelPending = new ArrayList<>(2);
        }
        idle.touch();
        if (exchange.loop().inEventLoop()) {
            exchange.onUpstreamMessage(this, msg);
        } else {
            exchange.loop().execute(() -> exchange.onUpstreamMessage(this, msg));
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        idle.touch();
        ctx.write(msg, promise);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ProxyExchange exchange = owner;
        if (exchange != null) {
            if (exchange.loop().inEventLoop()) {
                exchange.onUpstreamReadComplete(this);
            } else {
                exchange.loop().execute(() -> exchange.onUpstreamReadComplete(this));
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ProxyExchange exchange = owner;
        if (exchange != null && ctx.channel().isWritable()) {
            if (exchange.loop().inEventLoop()) {
                exchange.upstreamWritable(this);
            } else {
                exchange.loop().execute(() -> exchange.upstreamWritable(this));
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        idle.cancel();
        response.cancel();
        ProxyExchange exchange = owner;
        if (exchange != null) {
            failed(exchange, ProxyFailure.UPSTREAM_RESET, "connection closed");
        }
        List<ByteBuf> pending = tunnelPending;
        if (pending != null) {
            pending.forEach(ByteBuf::release);
            pending.clear();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProxyExchange exchange = owner;
        if (exchange != null) {
            failed(exchange, ProxyFailure.UPSTREAM_RESET, cause.toString());
        }
        ctx.close();
    }
}
