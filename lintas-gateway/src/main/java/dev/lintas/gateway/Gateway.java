package dev.lintas.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
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
import io.netty.channel.Channel;
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
    /** Bound listeners by name. */
    private final Map<String, Bound> listeners = new LinkedHashMap<>();
    private volatile boolean draining;
    private GatewayConfig config;
    private ScheduledFuture<?> sweeper;

    /** A bound listener. A reload that keeps its address keeps its socket. */
    private record Bound(ProxyContext proxy, Channel channel, Listeners.Entry entry) {
    }

    public Gateway(RuntimeContext context) {
        this.context = context;
        this.metrics = new GatewayMetrics(context.metrics());
    }

    /** Binds every listener; the future fails with the first bind error, and then nothing is left bound. */
    public CompletableFuture<Void> start(GatewayConfig config) throws IOException {
        accessLog.set(AccessLog.open(config.accessLog()));
        RoutingTable first = buildTable(config, Map.of());
        table.set(first);
        try {
            register(bindAll(config.listeners()));
        } catch (IOException e) {
            first.upstreams().values().forEach(Upstream::close);
            accessLog.getAndSet(AccessLog.OFF).close();
            return CompletableFuture.failedFuture(e);
        }
        this.config = config;
        first.upstreams().values().forEach(Upstream::start);
        sweeper = context.loops().next().scheduleAtFixedRate(this::sweep, 250, 250, TimeUnit.MILLISECONDS);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Binds {@code wanted} listeners all or none: when one cannot be bound, those just bound are closed again
     * and the first failure is thrown.
     */
    private List<Bound> bindAll(List<ListenerConfig> wanted) throws IOException {
        List<Bound> bound = new ArrayList<>();
        IOException failure = null;
        for (ListenerConfig listener : wanted) {
            try {
                bound.add(bind(listener));
            } catch (IOException e) {
                failure = e;
                break;
            }
        }
        if (failure != null) {
            bound.forEach(this::unbind);
            throw failure;
        }
        return bound;
    }

    private void register(List<Bound> bound) {
        synchronized (listeners) {
            for (Bound b : bound) {
                listeners.put(b.proxy.listener().name(), b);
                log.info("gateway listener '{}' on {}", b.proxy.listener().name(), b.channel.localAddress());
            }
        }
    }

    private Bound bind(ListenerConfig listener) throws IOException {
        ProxyContext proxy = new ProxyContext(listener, table::get, metrics, accessLog::get, () -> draining,
                connections, context.transport());
        Channel channel = RuntimeContext.bind(context.listenerBootstrap()
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ProxyContext.WATER_MARK)
                .childHandler(new DownstreamInitializer(proxy)),
                "gateway listener '" + listener.name() + "'", listener.listen());
        Listeners.Entry entry = context.listeners().add("gateway " + listener.name());
        entry.up((InetSocketAddress) channel.localAddress());
        return new Bound(proxy, channel, entry);
    }

    /** The address a listener is bound to, or null; useful with port 0. */
    public InetSocketAddress address(String listenerName) {
        synchronized (listeners) {
            for (Bound bound : listeners.values()) {
                if (bound.proxy.listener().name().equals(listenerName)) {
                    return (InetSocketAddress) bound.channel.localAddress();
                }
            }
            return null;
        }
    }

    /**
     * Applies a new config all or nothing. New listeners are bound first; if one cannot be, everything stays as
     * it was and the future fails. Then routes and upstreams are swapped at once, listeners that stay on their
     * address take their new limits for new connections, listeners no longer wanted are closed, and open
     * connections carry on.
     */
    public CompletableFuture<Void> reload(GatewayConfig next) {
        AccessLog openedLog = null;
        RoutingTable before = table.get();
        RoutingTable after;
        List<ListenerConfig> toBind = new ArrayList<>();
        Map<String, ListenerConfig> kept = keptListeners(next.listeners(), toBind);
        List<Bound> newly;
        try {
            if (!next.accessLog().equals(config.accessLog())) {
                openedLog = AccessLog.open(next.accessLog());
            }
            after = buildTable(next, before.upstreams());
            try {
                newly = bindAll(toBind);
            } catch (IOException e) {
                closeNew(after, before);
                throw e;
            }
        } catch (IOException e) {
            if (openedLog != null) {
                openedLog.close();
            }
            log.error("reload refused, the running gateway stays as it was: {}", e.getMessage());
            return CompletableFuture.failedFuture(e);
        }

        // From here on nothing can fail: commit.
        if (openedLog != null) {
            accessLog.getAndSet(openedLog).close();
        }
        table.set(after);
        metrics.retain(after.liveRoutes());
        closeNew(before, after);
        for (Upstream upstream : after.upstreams().values()) {
            if (before.upstreams().get(upstream.name()) != upstream) {
                upstream.start();
            }
        }
        synchronized (listeners) {
            Map<String, Bound> now = new LinkedHashMap<>();
            for (var entry : listeners.entrySet()) {
                ListenerConfig keep = kept.get(entry.getKey());
                if (keep != null) {
                    entry.getValue().proxy.update(keep);
                    now.put(keep.name(), entry.getValue());
                } else {
                    unbind(entry.getValue());
                }
            }
            listeners.clear();
            listeners.putAll(now);
        }
        register(newly);
        config = next;
        log.info("gateway reloaded: {} listener(s), {} route(s), {} upstream(s)", next.listeners().size(),
                next.routes().size(), next.upstreams().size());
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Which bound listeners a new config keeps, by their current name: those with the same name and address, and
     * those only renamed (same address, which is not port 0). The others of {@code wanted} go to {@code toBind}.
     */
    private Map<String, ListenerConfig> keptListeners(List<ListenerConfig> wanted, List<ListenerConfig> toBind) {
        Map<String, ListenerConfig> kept = new HashMap<>();
        synchronized (listeners) {
            List<ListenerConfig> unmatched = new ArrayList<>();
            for (ListenerConfig listener : wanted) {
                Bound bound = listeners.get(listener.name());
                if (bound != null && bound.proxy.listener().listen().equals(listener.listen())) {
                    kept.put(listener.name(), listener);
                } else {
                    unmatched.add(listener);
                }
            }
            for (ListenerConfig listener : unmatched) {
                String renamed = null;
                for (var entry : listeners.entrySet()) {
                    if (!kept.containsKey(entry.getKey()) && listener.listen().port() != 0
                            && entry.getValue().proxy.listener().listen().equals(listener.listen())) {
                        renamed = entry.getKey();
                        break;
                    }
                }
                if (renamed != null) {
                    kept.put(renamed, listener);
                } else {
                    toBind.add(listener);
                }
            }
        }
        return kept;
    }

    /** Closes the upstreams of {@code table} that {@code other} does not share. */
    private static void closeNew(RoutingTable table, RoutingTable other) {
        for (Upstream upstream : table.upstreams().values()) {
            if (other.upstreams().get(upstream.name()) != upstream) {
                upstream.close();
            }
        }
    }

    private void unbind(Bound bound) {
        bound.entry.down();
        context.listeners().remove(bound.entry);
        bound.channel.close().syncUninterruptibly();
        log.info("gateway listener '{}' closed", bound.proxy.listener().name());
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
        metrics.close();
    }

    /** The number of open client connections. */
    public int connections() {
        return connections.size();
    }
}
