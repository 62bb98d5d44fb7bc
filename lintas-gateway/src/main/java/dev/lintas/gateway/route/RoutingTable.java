package dev.lintas.gateway.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.lintas.gateway.config.RouteConfig;
import dev.lintas.gateway.upstream.Upstream;

/**
 * The routes and upstreams of one config snapshot. A reload builds a new table and swaps it whole; a request keeps
 * the table it started with. Immutable.
 */
public final class RoutingTable {

    private final List<Route> routes;
    private final Map<String, Upstream> upstreams;

    public RoutingTable(List<RouteConfig> routes, Map<String, Upstream> upstreams) {
        List<Route> built = new ArrayList<>(routes.size());
        for (RouteConfig route : routes) {
            built.add(new Route(route, upstreams.get(route.upstream())));
        }
        this.routes = List.copyOf(built);
        this.upstreams = Map.copyOf(upstreams);
    }

    public Map<String, Upstream> upstreams() {
        return upstreams;
    }

    /** Each route's label and the name of its upstream, as the request meters are keyed. */
    public Map<String, String> liveRoutes() {
        Map<String, String> live = new java.util.HashMap<>();
        for (Route route : routes) {
            live.put(route.label(), route.upstream().name());
        }
        return live;
    }

    public boolean isEmpty() {
        return routes.isEmpty();
    }

    /**
     * The first route that matches, in the order written, or null.
     *
     * @param host the request's host, lower case and without a port, or null
     * @param path the request's path, without the query
     */
    public Route match(String host, String path) {
        for (Route route : routes) {
            if (route.matches(host, path)) {
                return route;
            }
        }
        return null;
    }
}
