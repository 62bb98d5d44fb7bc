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
