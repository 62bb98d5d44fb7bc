package dev.lintas.gateway.upstream;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.lintas.gateway.config.UpstreamConfig;
import dev.lintas.gateway.config.ServerConfig;
import dev.lintas.runtime.RuntimeContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A named pool of servers: picks a server for each attempt, keeps the servers' health, and owns their idle
 * connections. Primary and backup servers are separate tiers; backups are picked only while no primary is
 * available. Thread-safe.
 */
public final class Upstream {

    private static final Logger log = LoggerFactory.getLogger(Upstream.class);

    private final UpstreamConfig config;
    private final List<Server> primaries;
    private final List<Server> backups;
    private final Balancer primaryBalancer;
    private final Balancer backupBalancer;
    private final AtomicInteger openConnections = new AtomicInteger();
    private final List<Meter> meters = new ArrayList<>();
    private final MeterRegistry registry;
    private volatile Counter retries;
    private volatile Counter failovers;
    private HealthChecker checker;

    /** Builds the upstream and resolves its server names; called off the event loops, when config is applied. */
    public Upstream(UpstreamConfig config, RuntimeContext context) {
        this.config = config;
        this.registry = context.metrics();
        List<Server> primary = new ArrayList<>();
        List<Server> backup = new ArrayList<>();
        long failTimeout = config.failTimeout().toNanos();
        for (ServerConfig server : config.servers()) {
            InetSocketAddress address = server.address().resolve();
            ConnectionPool pool = new ConnectionPool(context.loops(), config.keepaliveTimeout().toNanos(),
                    config.keepalive(), openConnections);
            (server.backup() ? backup : primary).add(new Server(server, address, config.maxFails(), failTimeout, pool));
        }
        this.primaries = List.copyOf(primary);
        this.backups = List.copyOf(backup);
        this.primaryBalancer = Balancer.create(config.balance(), primaries);
        this.backupBalancer = Balancer.create(config.balance(), backups);

        if (config.healthCheck() != null) {
            checker = new HealthChecker(this, context);
        }
    }

    public String name() {
        return config.name();
    }

    public UpstreamConfig config() {
        return config;
    }

    /** Every server, primaries first. */
    public List<Server> servers() {
        List<Server> all = new ArrayList<>(primaries);
        all.addAll(backups);
        return all;
    }

    /**
     * Registers this upstream's meters and starts its health checks. Called once the upstream is in service, after
     * any upstream of the same name that it replaces was closed, so that the two never share meters.
     */
    public void start() {
        String name = config.name();
        meters.add(Gauge.builder("lintas.gateway.upstream.connections", openConnections, AtomicInteger::get)
                .description("Open connections to the upstream's servers").tag("upstream", name)
                .strongReference(true).register(registry));
        for (Server server : servers()) {
            meters.add(Gauge.builder("lintas.gateway.upstream.server.up", server,
                            s -> s.isAvailable(System.nanoTime()) ? 1 : 0)
                    .description("1 while the server may be given requests, 0 while it is out")
                    .tags("upstream", name, "server", server.label(), "backup", String.valueOf(server.isBackup()))
                    .strongReference(true).register(registry));
        }
        Counter retries = Counter.builder("lintas.gateway.upstream.retries").description("Attempts after the first")
                .tag("upstream", name).register(registry);
        Counter failovers = Counter.builder("lintas.gateway.upstream.failovers")
                .description("Attempts moved to another server after a failure").tag("upstream", name)
                .register(registry);
        meters.add(retries);
        meters.add(failovers);

        this.retries = retries;
        this.failovers = failovers;
        if (checker != null) {
            checker.start();
        }
    }

    /**
     * The server for the next attempt: an available primary not yet tried, else an available backup not yet
     * tried, else null.
     */
    public Server choose(long clientKey, List<Server> tried, long nowNanos) {
        Server pick = choose(primaries, primaryBalancer, clientKey, tried, nowNanos);
        return pick != null ? pick : choose(backups, backupBalancer, clientKey, tried, nowNanos);
    }

    private static Server choose(List<Server> tier, Balancer balancer, long clientKey, List<Server> tried,
            long nowNanos) {
        boolean[] candidates = new boolean[tier.size()];
        boolean any = false;
        for (int i = 0; i < candidates.length; i++) {
            Server server = tier.get(i);
            candidates[i] = server.isAvailable(nowNanos) && !tried.contains(server);
            any |= candidates[i];
        }
        return any ? tier.get(balancer.pick(tier, candidates, clientKey)) : null;
    }

    public void countRetry(boolean failover) {
        Counter retries = this.retries;
        if (retries != null) {
            retries.increment();
            if (failover) {
                failovers.increment();
            }
        }
    }

    /** Records a failed attempt on {@code server}, and says so once when it takes the server out. */
    public void failed(Server server, String why, long nowNanos) {
        if (server.recordFailure(nowNanos)) {
            log.warn("upstream {}: server {} is out for {} after {} failure(s); last: {}", name(), server.label(),
                    dev.lintas.runtime.config.Durations.format(config.failTimeout()), config.maxFails(), why);
        }
    }

    /** Closes idle connections that have aged out. */
    public void sweep(long nowNanos) {
        for (Server server : primaries) {
            server.pool().sweep(nowNanos);
        }
        for (Server server : backups) {
            server.pool().sweep(nowNanos);
        }
    }

    /** Stops checks, closes idle connections and removes this upstream's meters. */
    public void close() {
        if (checker != null) {
            checker.stop();
        }
        for (Server server : servers()) {
            server.pool().close();
        }
        for (Meter meter : meters) {
            registry.remove(meter);
        }
    }
}
