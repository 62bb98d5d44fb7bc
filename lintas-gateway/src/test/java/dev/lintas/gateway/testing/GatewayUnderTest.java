package dev.lintas.gateway.testing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;

import dev.lintas.gateway.Gateway;
import dev.lintas.gateway.config.GatewayConfig;
import dev.lintas.gateway.config.GatewayConfigReader;
import dev.lintas.runtime.RuntimeContext;
import dev.lintas.runtime.config.ConfigException;
import dev.lintas.runtime.config.ConfigNode;
import dev.lintas.runtime.config.Problems;
import dev.lintas.runtime.config.YamlLoader;

/**
 * A real gateway in the test's JVM, started from YAML text (the {@code gateway:} section and what is under it) on
 * its own event loops. Listeners should use port 0; {@link #uri(String)} points at the first one.
 */
public final class GatewayUnderTest implements AutoCloseable {

    private final RuntimeContext context;
    private final Gateway gateway;
    private final String listener;

    private GatewayUnderTest(RuntimeContext context, Gateway gateway, String listener) {
        this.context = context;
        this.gateway = gateway;
        this.listener = listener;
    }

    public static GatewayUnderTest start(String yaml) {
        GatewayConfig config = parse(yaml);
        RuntimeContext context = new RuntimeContext(2);
        Gateway gateway = new Gateway(context);
        try {
            gateway.start(config).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            gateway.stop();
            context.close();
            throw new IllegalStateException("gateway did not start", e);
        }
        return new GatewayUnderTest(context, gateway, config.listeners().get(0).name());
    }

    /**
     * Starts the usual gateway of a proxy test: one listener on {@code 127.0.0.1:0}, every path routed to the
     * upstream {@code app}, no access log, and a drain timeout of 1s so that closing never waits long for requests
     * a test left in flight.
     *
     * @param upstreamKeys YAML keys of {@code app} other than its servers, such as {@code "retries: 1"} (one key a
     *        line, indented as at the top level), or {@code ""} for none
     * @param servers the server list, each an address like {@link TestBackend#address()} or a flow mapping like
     *        {@code {address: 127.0.0.1:3000, weight: 3}}
     */
    public static GatewayUnderTest proxying(String upstreamKeys, String... servers) {
        return proxyingWithDrain("1s", upstreamKeys, servers);
    }

    /** As {@link #proxying(String, String...)}, with another {@code drain-timeout}, such as {@code "60s"}. */
    public static GatewayUnderTest proxyingWithDrain(String drainTimeout, String upstreamKeys, String... servers) {
        return start("""
                gateway:
                  access-log: off
                  drain-timeout: %s
                  listeners:
                    - listen: 127.0.0.1:0
                  routes:
                    - path: /
                      upstream: app
                  upstreams:
                    app:
                %s      servers: [%s]
                """.formatted(drainTimeout, upstreamKeys.stripIndent().indent(6), String.join(", ", servers)));
    }

    /** Reads YAML text that holds a {@code gateway:} section, failing the test on any config problem. */
    public static GatewayConfig parse(String yaml) {
        Problems problems = new Problems();
        ConfigNode root = YamlLoader.parse("test.yaml", yaml, problems);
        GatewayConfig config = GatewayConfigReader.read(
                root.map("root", "gateway").get("gateway").orElseThrow());
        try {
            problems.throwIfAny();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.problems().toString(), e);
        }
        return config;
    }

    public void reload(String yaml) {
        try {
            gateway.reload(parse(yaml)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("reload failed", e);
        }
    }

    public InetSocketAddress address() {
        return gateway.address(listener);
    }

    public int port() {
        return address().getPort();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public Gateway gateway() {
        return gateway;
    }

    public RuntimeContext context() {
        return context;
    }

    /** The Prometheus text of this gateway's metrics. */
    public String metrics() {
        return context.metrics().scrape();
    }

    @Override
    public void close() {
        gateway.stop();
        context.close();
    }
}
