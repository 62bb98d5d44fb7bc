package dev.lintas.gateway.proxy;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Relays raw bytes between the two connections of an upgraded exchange (WebSocket, for one), with the Netty proxy
 * idiom for backpressure: AUTO_READ is off, and each side reads again only once its last read has been written to
 * the other side. The client side keeps its idle timeout; the header timeout no longer applies.
 * <p>
 * Each instance runs on its own channel's event loop; the peer is only written to and closed, which is safe from
 * any thread.
 */
final class Tunnel extends ChannelInboundHandlerAdapter {

    static final String NAME = "tunnel";

    private final Channel peer;

    private Tunnel(Channel peer) {
        this.peer = peer;
    }

    /**
     * Turns both connections into a tunnel once the 101 response has been written downstream. HTTP handlers are
     * removed; bytes either decoder still held are passed on.
     */
    static void join(Channel downstream, UpstreamHandler upstreamHandler) {
        Channel upstream = upstreamHandler.channel();
        downstream.config().setAutoRead(false);
        upstream.config().setAutoRead(false);
        downstream.pipeline().replace(DownstreamInitializer.PROXY, NAME, new Tunnel(upstream));
        downstream.pipeline().remove(DownstreamInitializer.CODEC);
        upstream.eventLoop().execute(() -> {
            List<ByteBuf> early = upstreamHandler.takeTunnelPending();
            upstream.pipeline().replace(ProxyContext.UPSTREAM_HANDLER, NAME, new Tunnel(downstream));
            upstream.pipeline().remove(ProxyContext.UPSTREAM_CODEC);
            for (ByteBuf bytes : early) {
                downstream.write(bytes);
            }
            downstream.flush();
            if (!upstream.isActive()) {
                downstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            upstream.read();
            downstream.read();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        peer.writeAndFlush(msg).addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
                ctx.channel().read();
            } else {
                future.channel().close();
                ctx.close();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
            peer.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
