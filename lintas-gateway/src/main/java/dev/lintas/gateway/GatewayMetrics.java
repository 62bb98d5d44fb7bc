package dev.lintas.gateway;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's meters. Meters for a route and upstream pair are looked up once and then cached, so that a
 * request costs a map read and a few increments. Thread-safe.
 */
public final class GatewayMetrics {

    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    /** The meters of one route and upstream pair. */
    public static final class RouteMeters {
        private final Counter[] byStatusClass = new Counter[STATUS_CLASSES.length];
        private final Timer total;
        private final Timer upstream;

        private RouteMeters(MeterRegistry registry, String route, String upstreamName) {
            for (int i = 0; i < STATUS_CLASSES.length; i++) {
                byStatusClass[i] = Counter.builder("lintas.gateway.requests")
                        .description("Requests answered, by route, upstream and status class")
                        .tags("route", route, "upstream", upstreamName, "status", STATUS_CLASSES[i])
                        .register(registry);
            }
            total = Timer.builder("lintas.gateway.request.duration")
                    .description("From the request's head to the end of the response")
                    .tags("route", route, "upstream", upstreamName)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry);
            upstream = Timer.builder("lintas.gateway.upstream.duration")
                    .description("From connecting to the upstream to the end of its response")
                    .tags("route", route, "upstream", upstreamName)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry);
        }

        private void remove(MeterRegistry registry) {
            for (Counter counter : byStatusClass) {
                registry.remove(counter);
            }
            registry.remove(total);
            registry.remove(upstream);
        }

        public void record(int status, long totalNanos, long upstreamNanos) {
            int index = status / 100 - 1;
            if (index >= 0 && index < byStatusClass.length) {
                byStatusClass[index].increment();
            }
            total.record(totalNanos, TimeUnit.NANOSECONDS);
            if (upstreamNanos >= 0) {
                upstream.record(upstreamNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();
    private final AtomicInteger downstreamConnections = new AtomicInteger();
    private final Gauge connectionsGauge;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.connectionsGauge = Gauge.builder("lintas.gateway.downstream.connections", downstreamConnections,
                        AtomicInteger::get)
                .description("Open client connections").strongReference(true).register(registry);
    }

    /** Removes the gauge that belongs to this gateway, so that a gateway started later registers its own. */
    public void close() {
        registry.remove(connectionsGauge);
    }

    /** The meters for requests on {@code route} sent to {@code upstream}; "-" stands for none. */
    public RouteMeters route(String route, String upstream) {
        String key = key(route, upstream);
        RouteMeters meters = routes.get(key);
        return meters != null ? meters : routes.computeIfAbsent(key, k -> new RouteMeters(registry, route, upstream));
    }

    private static String key(String route, String upstream) {
        return route + '\u0000' + upstream;
    }

    /**
     * Removes the meters of route and upstream pairs that a reload took away, keeping {@code live} pairs and the
     * one for requests that matched no route. Requests still in flight on a removed route may register its meters
     * again; they go with the next reload.
     */
    public void retain(Map<String, String> live) {
        Set<String> keep = new HashSet<>();
        live.forEach((route, upstream) -> keep.add(key(route, upstream)));
        keep.add(key("-", "-"));
        routes.entrySet().removeIf(entry -> {
            if (keep.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().remove(registry);
            return true;
        });
    }

    public void downstreamOpened() {
        downstreamConnections.incrementAndGet();
    }

    public void downstreamClosed() {
        downstreamConnections.decrementAndGet();
    }
}
