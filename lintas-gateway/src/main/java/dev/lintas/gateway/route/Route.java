package dev.lintas.gateway.route;

import java.util.Locale;

import dev.lintas.gateway.config.RouteConfig;
import dev.lintas.gateway.upstream.Upstream;

/**
 * A route ready to match: host pattern, path prefix and the upstream it sends to. Immutable.
 */
public final class Route {

    private final RouteConfig config;
    private final String exactHost;
    /** For {@code *.example.com}: {@code .example.com}. */
    private final String hostSuffix;
    private final Upstream upstream;

    Route(RouteConfig config, Upstream upstream) {
        this.config = config;
        this.upstream = upstream;
        String host = config.host();
        if (host == null) {
            exactHost = null;
            hostSuffix = null;
        } else if (host.startsWith("*.")) {
            exactHost = null;
            hostSuffix = host.substring(1).toLowerCase(Locale.ROOT);
        } else {
            exactHost = host.toLowerCase(Locale.ROOT);
            hostSuffix = null;
        }
    }

    /** The route's name in metrics and logs. */
    public String label() {
        return config.label();
    }

    public Upstream upstream() {
        return upstream;
    }

    /**
     * @param host the request's host, lower case and without a port, or null
     * @param path the request's path, without the query
     */
    boolean matches(String host, String path) {
        if (exactHost != null && !exactHost.equals(host)) {
            return false;
        }
        if (hostSuffix != null && (host == null || host.length() <= hostSuffix.length()
                || !host.endsWith(hostSuffix))) {
            return false;
        }
        return path.startsWith(config.path());
    }
}
