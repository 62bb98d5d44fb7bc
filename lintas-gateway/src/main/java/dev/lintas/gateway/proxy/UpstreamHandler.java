package dev.lintas.gateway.proxy;

import java.util.ArrayList;
import java.util.List;

import dev.lintas.gateway.upstream.Server;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection. While an exchange owns the connection, every event goes to that
 * exchange, which moves it onto its own event loop; while the connection waits in the pool, anything that arrives
 * closes it, since an idle HTTP/1.1 connection has nothing to say.
 * <p>
 * Events arrive on the connection's event loop; {@link #owner} is handed between loops, hence volatile.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    private final Server server;
    private final Channel channel;
    private volatile ProxyExchange owner;
    /** Whether the current owner took this connection from the pool. */
    private volatile boolean reused;
    /** Set when the connection becomes a tunnel: raw bytes wait here until the tunnel is joined. */
    private volatile List<ByteBuf> tunnelPending;

    UpstreamHandler(Server server, Channel channel) {
        this.server = server;
        this.channel = channel;
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
    }

    void detach() {
        owner = null;
    }

    /** Stops handing events to the exchange; raw bytes are kept for {@link #takeTunnelPending()}. */
    void startTunnel() {
        tunnelPending = new ArrayList<>(2);
        owner = null;
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
        exchange.fromUpstream(this, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ProxyExchange exchange = owner;
        if (exchange != null) {
            exchange.upstreamReadComplete(this);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ProxyExchange exchange = owner;
        if (exchange != null && ctx.channel().isWritable()) {
            exchange.upstreamWritable(this);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ProxyExchange exchange = owner;
        if (exchange != null) {
            exchange.upstreamFailed(this, ProxyFailure.UPSTREAM_RESET, "connection closed");
        }
        List<ByteBuf> pending = tunnelPending;
        if (pending != null) {
            pending.forEach(ByteBuf::release);
            pending.clear();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ProxyExchange exchange = owner;
            if (exchange != null) {
                exchange.upstreamFailed(this, ProxyFailure.UPSTREAM_IDLE, "idle timeout");
            }
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProxyExchange exchange = owner;
        if (exchange != null) {
            exchange.upstreamFailed(this, ProxyFailure.UPSTREAM_RESET, cause.toString());
        }
        ctx.close();
    }
}
