package dev.lintas.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.lintas.runtime.config.ConfigMap;
import dev.lintas.runtime.config.ConfigNode;
import dev.lintas.runtime.net.HostPort;

/**
 * Reads the {@code gateway} section into a {@link GatewayConfig}, reporting every problem at its line and column
 * through the node's problem list. Defaults come from {@link Defaults}.
 */
public final class GatewayConfigReader {

    /** Weights are relative; a cap keeps ip-hash's ring (160 points per unit of weight) a sane size. */
    static final int MAX_WEIGHT = 1000;

    private GatewayConfigReader() {
    }

    public static GatewayConfig read(ConfigNode node) {
        ConfigMap gateway = node.map("the gateway section (a mapping)",
                "listeners", "routes", "upstreams", "access-log", "drain-timeout");
        Map<String, UpstreamConfig> upstreams = readUpstreams(gateway);
        List<ListenerConfig> listeners = readListeners(gateway);
        List<RouteConfig> routes = readRoutes(gateway, upstreams);
        String accessLog = gateway.string("access-log", Defaults.ACCESS_LOG);
        Duration drain = gateway.duration("drain-timeout", Defaults.DRAIN_TIMEOUT);
        return new GatewayConfig(listeners, routes, upstreams, accessLog, drain);
    }

    private static List<ListenerConfig> readListeners(ConfigMap gateway) {
        if (!gateway.has("listeners")) {
            return List.of(ListenerConfig.defaults(Defaults.LISTENER_NAME, Defaults.LISTEN, gateway.position()));
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode item : gateway.list("listeners", "a list of listeners")) {
            ConfigMap map = item.map("a listener (a mapping with listen)", "name", "listen", "header-timeout",
                    "idle-timeout", "max-header-size", "max-body-size");
            Optional<HostPort> listen = map.has("listen")
                    ? map.listenAddress("listen")
                    : Optional.empty();
            if (!map.has("listen") && item.isMap()) {
                item.problem("missing 'listen' (expected an address like 0.0.0.0:8080)");
            }
            // A listener whose address did not parse gets no name of its own, so that it does not also clash
            // with a listener called by the default name.
            String name = map.string("name", listen.map(HostPort::toString).orElse(null));
            if (name != null && !names.add(name)) {
                map.get("name").orElse(item).problem("listener name '" + name + "' is used twice");
            }
            Duration headerTimeout = positive(map, "header-timeout", Defaults.HEADER_TIMEOUT);
            Duration idleTimeout = positive(map, "idle-timeout", Defaults.DOWNSTREAM_IDLE_TIMEOUT);
            long maxHeader = map.size("max-header-size", Defaults.MAX_HEADER_SIZE);
            if (maxHeader < 1024 || maxHeader > 1 << 20) {
                map.get("max-header-size").ifPresent(n ->
                        n.problem("max-header-size: " + maxHeader + " bytes (expected 1KiB to 1MiB)"));
            }
            long maxBody = map.size("max-body-size", Defaults.MAX_BODY_SIZE);
            listen.ifPresent(address -> listeners.add(new ListenerConfig(name, address,
                    map.get("listen").orElseThrow().position(), headerTimeout, idleTimeout,
                    (int) Math.min(Math.max(maxHeader, 1024), 1 << 20), maxBody)));
        }
        return listeners;
    }

    private static Map<String, UpstreamConfig> readUpstreams(ConfigMap gateway) {
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        ConfigMap table = gateway.get("upstreams")
                .map(node -> node.openMap("a mapping of upstream names to upstreams"))
                .orElse(null);
        if (table == null) {
            return upstreams;
        }
        for (String name : table.keys()) {
            ConfigNode node = table.get(name).orElseThrow();
            UpstreamConfig upstream = readUpstream(name, node);
            if (upstream != null) {
                upstreams.put(name, upstream);
            }
        }
        return upstreams;
    }

    private static UpstreamConfig readUpstream(String name, ConfigNode node) {
        ConfigMap map = node.map("an upstream (a mapping with servers)", "balance", "servers", "retries",
                "connect-timeout", "response-timeout", "idle-timeout", "total-timeout", "keepalive-timeout",
                "keepalive", "max-fails", "fail-timeout", "health-check");
        Balance balance = map.parsed("balance", "one of " + Balance.names(), Balance::byName)
                .orElse(Defaults.BALANCE);
        List<ServerConfig> servers = new ArrayList<>();
        List<ConfigNode> items = map.list("servers", "a list of servers");
        for (ConfigNode item : items) {
            ServerConfig server = readServer(item);
            if (server != null) {
                servers.add(server);
            }
        }
        if (!map.has("servers") && node.isMap()) {
            node.problem("upstream '" + name + "' has no 'servers' (expected a list of addresses like 10.0.0.1:3000)");
        } else if (items.isEmpty() && map.get("servers").filter(n -> n.isList() || n.isNull()).isPresent()) {
            map.get("servers").orElseThrow().problem("upstream '" + name + "' has no servers");
        }
        HealthCheckConfig healthCheck = map.has("health-check") ? readHealthCheck(map) : null;
        return new UpstreamConfig(name, balance, servers,
                map.integer("retries", Defaults.RETRIES, 0),
                positive(map, "connect-timeout", Defaults.CONNECT_TIMEOUT),
                positive(map, "response-timeout", Defaults.RESPONSE_TIMEOUT),
                positive(map, "idle-timeout", Defaults.UPSTREAM_IDLE_TIMEOUT),
                positive(map, "total-timeout", Defaults.TOTAL_TIMEOUT),
                positive(map, "keepalive-timeout", Defaults.KEEPALIVE_TIMEOUT),
                map.integer("keepalive", Defaults.KEEPALIVE_CONNECTIONS, 0),
                map.integer("max-fails", Defaults.MAX_FAILS, 0),
                positive(map, "fail-timeout", Defaults.FAIL_TIMEOUT),
                healthCheck);
    }

    private static ServerConfig readServer(ConfigNode item) {
        if (item.isScalar()) {
            return item.text("a server address").map(text -> serverAddress(item, text))
                    .map(address -> new ServerConfig(address, Defaults.WEIGHT, false))
                    .orElse(null);
        }
        ConfigMap map = item.map("a server (an address, or a mapping with address)", "address", "weight", "backup");
        Optional<HostPort> address = map.requiredString("address", "an address like 10.0.0.1:3000")
                .map(text -> serverAddress(map.get("address").orElseThrow(), text));
        int weight = Defaults.WEIGHT;
        Optional<ConfigNode> weightNode = map.get("weight");
        if (weightNode.isPresent()) {
            Optional<String> text = weightNode.get().text("a weight (a whole number from 1 to 1000)");
            Optional<Integer> parsed = text.flatMap(GatewayConfigReader::parseInt);
            if (text.isPresent() && (parsed.isEmpty() || parsed.get() <= 0 || parsed.get() > MAX_WEIGHT)) {
                weightNode.get().problem("weight: " + weightNode.get().kind()
                        + " (expected a whole number from 1 to " + MAX_WEIGHT + ")");
            } else if (parsed.isPresent()) {
                weight = parsed.get();
            }
        }
        boolean backup = map.bool("backup", false);
        int finalWeight = weight;
        return address.map(a -> new ServerConfig(a, finalWeight, backup)).orElse(null);
    }

    private static HostPort serverAddress(ConfigNode node, String text) {
        HostPort address = HostPort.parse(text.trim(), false);
        if (address == null || address.host().isEmpty()) {
            node.problem("bad server address '" + text + "' (expected host:port like 10.0.0.1:3000, port 1-65535)");
            return null;
        }
        return address;
    }

    private static HealthCheckConfig readHealthCheck(ConfigMap upstream) {
        ConfigNode node = upstream.get("health-check").orElseThrow();
        if (node.isNull()) {
            node.problem("health-check is empty (expected a mapping with path, like path: /health)");
        }
        ConfigMap map = upstream.map("health-check", "a health check (a mapping with path)",
                "path", "interval", "timeout", "rise", "fall");
        String path = map.requiredString("path", "a path like /health").orElse("/");
        if (!path.startsWith("/")) {
            map.get("path").orElseThrow().problem("path: '" + path + "' (expected a path starting with /)");
        }
        return new HealthCheckConfig(path,
                positive(map, "interval", Defaults.HEALTH_INTERVAL),
                positive(map, "timeout", Defaults.HEALTH_TIMEOUT),
                map.integer("rise", Defaults.HEALTH_RISE, 1),
                map.integer("fall", Defaults.HEALTH_FALL, 1));
    }

    private static List<RouteConfig> readRoutes(ConfigMap gateway, Map<String, UpstreamConfig> upstreams) {
        List<RouteConfig> routes = new ArrayList<>();
        for (ConfigNode item : gateway.list("routes", "a list of routes")) {
            ConfigMap map = item.map("a route (a mapping with upstream)", "host", "path", "upstream");
            String host = map.string("host").map(h -> h.toLowerCase(java.util.Locale.ROOT)).orElse(null);
            if (host != null && !validHostPattern(host)) {
                map.get("host").orElseThrow().problem(
                        "host: '" + host + "' (expected a host name like app.example.com or *.example.com)");
            }
            String path = map.string("path", "/");
            if (!path.startsWith("/")) {
                map.get("path").orElseThrow().problem("path: '" + path + "' (expected a prefix starting with /)");
            }
            Optional<String> upstream = map.requiredString("upstream", "the name of an upstream");
            upstream.ifPresent(name -> {
                if (!upstreams.containsKey(name)) {
                    map.get("upstream").orElseThrow().problem("route names upstream '" + name
                            + "', which does not exist" + knownUpstreams(upstreams));
                }
            });
            upstream.ifPresent(name -> routes.add(new RouteConfig(host, path, name)));
        }
        return routes;
    }

    private static String knownUpstreams(Map<String, UpstreamConfig> upstreams) {
        return upstreams.isEmpty()
                ? " (no upstreams are defined)"
                : " (expected one of: " + String.join(", ", upstreams.keySet()) + ")";
    }

    private static boolean validHostPattern(String host) {
        String name = host.startsWith("*.") ? host.substring(2) : host;
        return !name.isEmpty() && HostPort.parse(name + ":1", false) != null;
    }

    private static Duration positive(ConfigMap map, String key, Duration fallback) {
        Duration value = map.duration(key, fallback);
        if (value.isZero() || value.isNegative()) {
            map.get(key).ifPresent(n -> n.problem(key + ": must be longer than 0 (expected a duration like 2s)"));
            return fallback;
        }
        return value;
    }

    private static Optional<Integer> parseInt(String text) {
        try {
            return Optional.of(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
