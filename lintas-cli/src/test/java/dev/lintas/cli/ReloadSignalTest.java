package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lintas.cli.KeepAliveConnection.Response;

/**
 * SIGHUP on a real {@code lintas run}: a good file is applied without dropping open connections; a bad one is
 * refused, each problem is logged at its place in the file, and the running config stays.
 */
class ReloadSignalTest {

    private static final Pattern RELOADED = Pattern.compile("LintasServer: reloaded ");
    private static final Pattern REFUSED = Pattern.compile("reload refused, the running config stays: (\\d+) "
            + "problem\\(s\\)");

    @TempDir
    Path dir;

    private TinyBackend first;
    private TinyBackend second;
    private Path config;
    private LintasProcess lintas;
    private int port;

    @BeforeEach
    void start() throws IOException {
        first = TinyBackend.named("first");
        second = TinyBackend.named("second");
        config = dir.resolve("lintas.yaml");
        write("""
                  routes:
                    - path: /
                      upstream: first
                """);
        lintas = LintasProcess.run(config);
        port = lintas.gatewayPort("web");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (lintas != null) {
            lintas.close();
        }
        first.close();
        second.close();
    }

    /** Writes the config file: admin and one listener on port 0, both backends as upstreams, and {@code routes}. */
    private void write(String routes) throws IOException {
        Files.writeString(config, """
                admin:
                  listen: 127.0.0.1:0
                gateway:
                  access-log: off
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                %s  upstreams:
                    first:
                      servers: [%s]
                    second:
                      servers: [%s]
                """.formatted(routes, first.address(), second.address()));
    }

    private Response get(String path) throws IOException {
        try (KeepAliveConnection connection = new KeepAliveConnection(port)) {
            return connection.get(path);
        }
    }

    @Test
    void newRouteTakesEffectAndAnOpenConnectionKeepsWorking() throws Exception {
        try (KeepAliveConnection open = new KeepAliveConnection(port)) {
            assertThat(open.get("/")).isEqualTo(new Response(200, "first"));
            assertThat(get("/second/page")).isEqualTo(new Response(200, "first"));

            write("""
                      routes:
                        - path: /second
                          upstream: second
                        - path: /
                          upstream: first
                    """);
            lintas.signal("HUP");
            lintas.awaitLine(RELOADED);

            assertThat(get("/second/page")).as("a new request on the new route").isEqualTo(new Response(200, "second"));
            assertThat(get("/other")).as("a new request on the route kept").isEqualTo(new Response(200, "first"));
            assertThat(open.get("/")).as("the connection opened before the reload").isEqualTo(new Response(200, "first"));
            assertThat(open.get("/second/x")).as("the same connection, on the new route")
                    .isEqualTo(new Response(200, "second"));
        }
        assertThat(lintas.isAlive()).isTrue();
        assertThat(lintas.gatewayPort("web")).as("the listener was kept, not bound again").isEqualTo(port);
    }

    @Test
    void badFileIsRefusedWithEveryProblemAndTheOldConfigKeepsRunning() throws Exception {
        Files.writeString(config, """
                admin:
                  listen: 127.0.0.1:0
                gateway:
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                  routes:
                    - path: /
                      upstream: third
                  upstreams:
                    first:
                      servers: [%s]
                      weight: 3
                """.formatted(first.address()));

        lintas.signal("HUP");

        assertThat(lintas.awaitLine(REFUSED).group(1)).isEqualTo("2");
        lintas.awaitLine(Pattern.compile(Pattern.quote(config + ":9:17: route names upstream 'third', which does "
                + "not exist (expected one of: first)")));
        lintas.awaitLine(Pattern.compile(Pattern.quote(config + ":13:7: unknown key 'weight'")));
        assertThat(get("/")).as("routed by the old config").isEqualTo(new Response(200, "first"));
        assertThat(lintas.isAlive()).isTrue();
        assertThat(lintas.log()).doesNotContainPattern(RELOADED);
    }

    @Test
    void goodFileAfterABadOneIsApplied() throws Exception {
        Files.writeString(config, "gateway:\n  listeners: [\n");
        lintas.signal("HUP");
        lintas.awaitLine(REFUSED);
        lintas.awaitLine(Pattern.compile(Pattern.quote(config.toString()) + ":\\d+:\\d+: YAML syntax"));

        write("""
                  routes:
                    - path: /
                      upstream: second
                """);
        lintas.signal("HUP");
        lintas.awaitLine(RELOADED);

        assertThat(get("/")).isEqualTo(new Response(200, "second"));
    }
}
