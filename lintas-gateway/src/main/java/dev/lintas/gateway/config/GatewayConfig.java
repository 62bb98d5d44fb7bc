package dev.lintas.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lintas.runtime.config.Position;

/**
 * The {@code gateway} section, validated and immutable. A reload builds a new one and swaps it whole.
 *
 * @param accessLog {@code stdout}, {@code off}, or the path of a file to append to
 */
public record GatewayConfig(
        List<ListenerConfig> listeners,
        List<RouteConfig> routes,
        Map<String, UpstreamConfig> upstreams,
        String accessLog,
        Duration drainTimeout) {

    public GatewayConfig {
        listeners = List.copyOf(listeners);
        routes = List.copyOf(routes);
        upstreams = Map.copyOf(upstreams);
    }

    /** The built-in gateway: one listener on :8080 and no routes. */
    public static GatewayConfig defaults(String file) {
        return new GatewayConfig(
                List.of(ListenerConfig.defaults(Defaults.LISTENER_NAME, Defaults.LISTEN, new Position(file, 1, 1))),
                List.of(), Map.of(), Defaults.ACCESS_LOG, Defaults.DRAIN_TIMEOUT);
    }
}
