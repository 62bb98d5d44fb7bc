package dev.lintas.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.lintas.gateway.config.GatewayConfig;
import dev.lintas.gateway.config.ListenerConfig;
import dev.lintas.gateway.config.UpstreamConfig;
import dev.lintas.gateway.proxy.DownstreamInitializer;
import dev.lintas.gateway.proxy.ProxyContext;
import dev.lintas.gateway.route.RoutingTable;
import dev.lintas.gateway.upstream.Upstream;
import dev.lintas.runtime.RuntimeContext;
import dev.lintas.runtime.net.Listeners;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The gateway service: binds its listeners, routes requests through the current {@link RoutingTable}, and swaps
 * that table whole on reload. Upstreams whose config did not change are carried over with their health state and
 * idle connections; the others are built anew and the old ones closed.
 * <p>
 * Lifecycle methods are called from one control thread (the CLI's), never from an event loop.
 */
public final class Gateway {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final RuntimeContext context;
    private final GatewayMetrics metrics;
    private final AtomicReference<RoutingTable> table = new AtomicReference<>();
    private final AtomicReference<AccessLog> accessLog = new AtomicReference<>(AccessLog.OFF);
    private final ChannelGroup connections = new DefaultChannelGroup("gateway", GlobalEventExecutor.INSTANCE);
    private final Map<String, Bound> listeners = new LinkedHashMap<>();
    private volatile boolean draining;
    private GatewayConfig config;
    private ScheduledFuture<?> sweeper;

    private record Bound(ListenerConfig config, Channel channel, Listeners.Entry entry) {
    }

    public Gateway(RuntimeContext context) {
        this.context = context;
        this.metrics = new GatewayMetrics(context.metrics());
    }

    /** Binds every listener; the future fails with the first bind error. */
    public CompletableFuture<Void> start(GatewayConfig config) throws IOException {
        this.config = config;
        accessLog.set(AccessLog.open(config.accessLog()));
        table.set(buildTable(config, Map.of()));
        table.get().upstreams().values().forEach(Upstream::startChecks);
        sweeper = context.loops().next().scheduleAtFixedRate(this::sweep, 250, 250, TimeUnit.MILLISECONDS);
        CompletableFuture<?>[] binds = config.listeners().stream().map(this::bind).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(binds);
    }

    private CompletableFuture<Void> bind(ListenerConfig listener) {
        Listeners.Entry entry = context.listeners().add("gateway " + listener.name());
        ProxyContext proxy = new ProxyContext(listener, table::get, metrics, accessLog::get, () -> draining,
                connections, context.transport());
        CompletableFuture<Void> bound = new CompletableFuture<>();
        ChannelFuture future = new ServerBootstrap()
                .group(context.loops())
                .channel(context.transport().serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ProxyContext.WATER_MARK)
                .childHandler(new DownstreamInitializer(proxy))
                .bind(listener.listen().resolve());
        future.addListener(f -> {
            if (f.isSuccess()) {
                InetSocketAddress address = (InetSocketAddress) future.channel().localAddress();
                entry.up(address);
                synchronized (listeners) {
                    listeners.put(listener.name(), new Bound(listener, future.channel(), entry));
                }
                log.info("gateway listener '{}' on {}", listener.name(), address);
                bound.complete(null);
            } else {
                context.listeners().remove(entry);
                bound.completeExceptionally(new IOException("gateway listener '" + listener.name()
                        + "' cannot bind " + listener.listen() + ": " + f.cause().getMessage(), f.cause()));
            }
        });
        return bound;
    }

    /** The address a listener is bound to, or null; useful with port 0. */
    public InetSocketAddress address(String listenerName) {
        synchronized (listeners) {
            Bound bound = listeners.get(listenerName);
            return bound == null ? null : (InetSocketAddress) bound.channel.localAddress();
        }
    }

    /**
     * Applies a new config: routes and upstreams are swapped at once, listeners that were added, removed or moved
     * are bound or closed, and open connections carry on. Returns when new listeners are bound.
     */
    public CompletableFuture<Void> reload(GatewayConfig next) throws IOException {
        GatewayConfig previous = config;
        config = next;
        if (!next.accessLog().equals(previous.accessLog())) {
            AccessLog old = accessLog.getAndSet(AccessLog.open(next.accessLog()));
            old.close();
        }
        RoutingTable before = table.get();
        RoutingTable after = buildTable(next, before.upstreams());
        table.set(after);
        for (Upstream upstream : after.upstreams().values()) {
            if (before.upstreams().get(upstream.name()) != upstream) {
                upstream.startChecks();
            }
        }
        for (Upstream upstream : before.upstreams().values()) {
            if (after.upstreams().get(upstream.name()) != upstream) {
                upstream.close();
            }
        }

        Map<String, ListenerConfig> wanted = new LinkedHashMap<>();
        next.listeners().forEach(l -> wanted.put(l.name(), l));
        List<CompletableFuture<Void>> binds = new java.util.ArrayList<>();
        synchronized (listeners) {
            for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                ListenerConfig want = wanted.get(entry.getKey());
                if (want == null || !want.equals(withBoundPosition(want, entry.getValue().config))) {
                    unbind(entry.getValue());
                    it.remove();
                } else {
                    wanted.remove(entry.getKey());
                }
            }
        }
        for (ListenerConfig listener : wanted.values()) {
            binds.add(bind(listener));
        }
        log.info("gateway reloaded: {} listener(s), {} route(s), {} upstream(s)", next.listeners().size(),
                next.routes().size(), next.upstreams().size());
        return CompletableFuture.allOf(binds.toArray(CompletableFuture[]::new));
    }

    /** Compares listeners without where they were written, which moves whenever the file is edited. */
    private static ListenerConfig withBoundPosition(ListenerConfig want, ListenerConfig bound) {
        return new ListenerConfig(want.name(), want.listen(), bound.position(), want.headerTimeout(),
                want.idleTimeout(), want.maxHeaderSize(), want.maxBodySize());
    }

    private void unbind(Bound bound) {
        bound.entry.down();
        context.listeners().remove(bound.entry);
        bound.channel.close().syncUninterruptibly();
        log.info("gateway listener '{}' closed", bound.config.name());
    }

    private RoutingTable buildTable(GatewayConfig config, Map<String, Upstream> current) {
        Map<String, Upstream> upstreams = new HashMap<>();
        for (UpstreamConfig upstream : config.upstreams().values()) {
            Upstream existing = current.get(upstream.name());
            upstreams.put(upstream.name(), existing != null && existing.config().equals(upstream)
                    ? existing
                    : new Upstream(upstream, context));
        }
        return new RoutingTable(config.routes(), upstreams);
    }

    private void sweep() {
        RoutingTable current = table.get();
        if (current != null) {
            long now = System.nanoTime();
            for (Upstream upstream : current.upstreams().values()) {
                upstream.sweep(now);
            }
        }
    }

    /**
     * Stops accepting, lets requests in flight finish for up to {@code drain-timeout}, then closes everything.
     * Connections between requests are closed at once; the others close after their current response.
     */
    public void stop() {
        Duration drain = config == null ? Duration.ZERO : config.drainTimeout();
        draining = true;
        synchronized (listeners) {
            listeners.values().forEach(this::unbind);
            listeners.clear();
        }
        for (Channel channel : connections) {
            channel.eventLoop().execute(() -> DownstreamInitializer.closeIfIdle(channel));
        }
        long deadline = System.nanoTime() + drain.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                connections.newCloseFuture().await(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!connections.isEmpty()) {
            log.warn("drain timeout: closing {} connection(s) with requests still in flight", connections.size());
            connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        RoutingTable current = table.get();
        if (current != null) {
            current.upstreams().values().forEach(Upstream::close);
        }
        accessLog.get().close();
    }

    /** The number of open client connections. */
    public int connections() {
        return connections.size();
    }
}
