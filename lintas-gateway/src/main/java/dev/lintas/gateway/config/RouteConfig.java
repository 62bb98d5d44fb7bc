package dev.lintas.gateway.config;

/**
 * One route: requests whose host and path match go to the upstream.
 *
 * @param host     an exact host, a {@code *.example.com} wildcard, or null for any host
 * @param path     a path prefix; {@code /} matches every path
 * @param upstream the name of an upstream in the same config
 */
public record RouteConfig(String host, String path, String upstream) {

    /** The route's name in metrics and logs. */
    public String label() {
        return (host == null ? "*" : host) + path;
    }
}
