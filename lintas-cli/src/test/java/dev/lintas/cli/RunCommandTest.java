package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lintas.runtime.config.ConfigException;
import dev.lintas.runtime.net.HostPort;

/**
 * {@code lintas run}: a bad file stops it before anything is bound; no file at all means the built-in defaults.
 * The defaults bind fixed ports, so they are checked as config rather than started.
 */
class RunCommandTest {

    @TempDir
    Path dir;

    private LintasProcess lintas;

    @AfterEach
    void stop() throws InterruptedException {
        if (lintas != null) {
            lintas.close();
        }
    }

    @Test
    void badFilePrintsEveryProblemAndExitsOneWithoutStarting() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), """
                admin:
                  listen: 127.0.0.1:0
                gateway:
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                  routes:
                    - path: /
                      upstream: api
                  upstreams:
                    app:
                      servers: [127.0.0.1:99999]
                """);

        lintas = LintasProcess.start("run", "-c", config.toString());

        assertThat(lintas.awaitExit()).as("exit code; log:\n%s", lintas.log()).isEqualTo(1);
        assertThat(lintas.log().lines()).containsSubsequence(
                "lintas: the configuration has 2 problem(s); not starting",
                config + ":9:17: route names upstream 'api', which does not exist (expected one of: app)",
                config + ":12:17: bad server address '127.0.0.1:99999' (expected host:port like 10.0.0.1:3000, "
                        + "port 1-65535)");
        assertThat(lintas.log()).doesNotContain("starting from").doesNotContain("listening")
                .doesNotContain("gateway listener");
    }

    @Test
    void missingFileIsAProblemToo() throws Exception {
        Path config = dir.resolve("missing.yaml");

        lintas = LintasProcess.start("run", "-c", config.toString());

        assertThat(lintas.awaitExit()).as("exit code; log:\n%s", lintas.log()).isEqualTo(1);
        assertThat(lintas.log()).contains("not starting").contains(config + ":1:1: cannot read the file");
    }

    @Test
    void addressInUseStopsTheStartAndExitsOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = Files.writeString(dir.resolve("lintas.yaml"), """
                    admin:
                      listen: 127.0.0.1:0
                    gateway:
                      listeners:
                        - name: web
                          listen: 127.0.0.1:%d
                    """.formatted(taken.getLocalPort()));

            lintas = LintasProcess.start("run", "-c", config.toString());

            assertThat(lintas.awaitExit()).as("exit code; log:\n%s", lintas.log()).isEqualTo(1);
            assertThat(lintas.log()).contains("cannot start: gateway listener 'web' cannot bind 127.0.0.1:"
                    + taken.getLocalPort()).doesNotContain("Lintas is running");
        }
    }

    @Test
    void withoutFileOrLocalLintasYamlTheBuiltInDefaultsApply() throws ConfigException {
        assertThat(Path.of(LintasConfig.DEFAULT_FILE)).as("the working directory, " + Path.of("").toAbsolutePath()
                + ", has no lintas.yaml").doesNotExist();

        LintasConfig config = Lintas.resolve(null);

        assertThat(config).isEqualTo(LintasConfig.defaults());
        assertThat(config.file()).isNull();
    }

    @Test
    void builtInDefaultsAreAdminOn9090OneGatewayListenerOn8080WithNoRoutesAndMqttOn1883() {
        LintasConfig config = LintasConfig.defaults();

        assertThat(config.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 9090));
        assertThat(config.gateway().listeners()).singleElement().satisfies(listener -> {
            assertThat(listener.name()).isEqualTo("web");
            assertThat(listener.listen()).isEqualTo(new HostPort("0.0.0.0", 8080));
        });
        assertThat(config.gateway().routes()).isEmpty();
        assertThat(config.gateway().upstreams()).isEmpty();
        assertThat(config.broker().mqtt()).isEqualTo(new HostPort("0.0.0.0", 1883));
        assertThat(config.broker().dataDir()).isEqualTo("./data");
        assertThat(config.broker().amqp()).as("no AMQP adapter yet").isNull();
        assertThat(config.broker().mqttWebSocket()).isNull();
        assertThat(config.broker().auth().users()).as("anonymous clients, from loopback only").isEmpty();
    }

    @Test
    void withoutFileALintasYamlInTheWorkingDirectoryIsRead() throws Exception {
        Files.writeString(dir.resolve(LintasConfig.DEFAULT_FILE), """
                admin:
                  listen: 127.0.0.1:0
                """);

        lintas = LintasProcess.startIn(dir, "run");

        lintas.awaitLine(Pattern.compile("starting from " + Pattern.quote(LintasConfig.DEFAULT_FILE) + " "));
        assertThat(lintas.adminPort()).isPositive();
        lintas.awaitLine(Pattern.compile("Lintas is running"));
        assertThat(lintas.log()).doesNotContain("gateway listener");
        lintas.terminate();
        assertThat(lintas.awaitExit()).isZero();
    }
}
