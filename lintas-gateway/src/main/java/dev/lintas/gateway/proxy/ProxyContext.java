package dev.lintas.gateway.proxy;

import java.util.function.Supplier;

import dev.lintas.gateway.AccessLog;
import dev.lintas.gateway.GatewayMetrics;
import dev.lintas.gateway.config.ListenerConfig;
import dev.lintas.gateway.route.RoutingTable;
import dev.lintas.gateway.upstream.Server;
import dev.lintas.gateway.upstream.Upstream;
import dev.lintas.runtime.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpClientCodec;

/**
 * What a listener's connections need from the gateway: the listener's limits, the current routing table, metrics,
 * the access log and a way to open upstream connections. Shared by every connection of one listener.
 */
public final class ProxyContext {

    static final String UPSTREAM_CODEC = "codec";
    static final String UPSTREAM_HANDLER = "handler";

    /** Bounds what one connection buffers before it stops reading the other side. */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    /** The largest response head accepted from an upstream. */
    private static final int MAX_UPSTREAM_HEADER = 64 * 1024;

    /** Swapped by a reload that keeps the listener's address; read once per connection and per request. */
    private volatile ListenerConfig listener;
    private final Supplier<RoutingTable> table;
    private final GatewayMetrics metrics;
    private final Supplier<AccessLog> accessLog;
    private final Supplier<Boolean> draining;
    private final ChannelGroup connections;
    private final Bootstrap bootstrap;

    public ProxyContext(ListenerConfig listener, Supplier<RoutingTable> table, GatewayMetrics metrics,
            Supplier<AccessLog> accessLog, Supplier<Boolean> draining, ChannelGroup connections,
            Transport transport) {
        this.listener = listener;
        this.table = table;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.draining = draining;
        this.connections = connections;
        this.bootstrap = new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    }

    public ListenerConfig listener() {
        return listener;
    }

    /** New limits from a reload, for connections accepted from now on. */
    public void update(ListenerConfig next) {
        listener = next;
    }

    RoutingTable table() {
        return table.get();
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    AccessLog accessLog() {
        return accessLog.get();
    }

    /** Counts a new client connection among those a drain waits for. */
    void track(Channel downstream) {
        connections.add(downstream);
    }

    /** True once shutdown has begun: responses then close their connections. */
    boolean draining() {
        return draining.get();
    }

    /** Opens a new connection to {@code server} on {@code loop}, the loop of the exchange that wants it. */
    ChannelFuture connect(Upstream upstream, Server server, EventLoop loop) {
        long idleNanos = upstream.config().idleTimeout().toNanos();
        int connectMillis = (int) Math.min(upstream.config().connectTimeout().toMillis(), Integer.MAX_VALUE);
        return bootstrap.clone(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast(UPSTREAM_CODEC, new HttpClientCodec(8192, MAX_UPSTREAM_HEADER, 64 * 1024));
                        p.addLast(UPSTREAM_HANDLER, new UpstreamHandler(server, ch, idleNanos));
                        server.pool().opened(ch);
                    }
                })
                .connect(server.address());
    }
}
