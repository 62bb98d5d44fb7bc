package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole Lintas in this JVM: the gateway's answer when nothing is routed, the admin endpoints, and reloads. */
class LintasServerTest {

    private static final String NO_ROUTES = """
            admin:
              listen: 127.0.0.1:0
            gateway:
              access-log: off
              listeners:
                - name: web
                  listen: 127.0.0.1:0
            """;

    @TempDir
    Path dir;

    private RunningServer lintas;
    private TinyBackend backend;

    @AfterEach
    void stop() {
        if (lintas != null) {
            lintas.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void gatewayWithoutRoutesAnswers404ThatSaysHowToAddOne() throws Exception {
        lintas = RunningServer.start(dir.resolve("lintas.yaml"), NO_ROUTES);

        HttpResponse<String> response = lintas.gateway("/anything/at/all");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("no route is configured").contains("gateway.routes")
                .contains("lintas reload");
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
    }

    @Test
    void healthIsOkWhileEveryListenerIsUp() throws Exception {
        lintas = RunningServer.start(dir.resolve("lintas.yaml"), NO_ROUTES);

        HttpResponse<String> response = lintas.admin("GET", "/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    @Test
    void brokerSectionStartsTheMqttListenerAndHealthCoversIt() throws Exception {
        lintas = RunningServer.start(dir.resolve("lintas.yaml"), NO_ROUTES + """
                broker:
                  data-dir: %s
                  mqtt:
                    listen: 127.0.0.1:0
                """.formatted(dir.resolve("data")));
        java.net.InetSocketAddress mqtt = lintas.server().mqttAddress();
        assertThat(mqtt).isNotNull();
        assertThat(lintas.admin("GET", "/health").statusCode()).isEqualTo(200);

        try (java.net.Socket socket = new java.net.Socket(mqtt.getAddress(), mqtt.getPort())) {
            socket.setSoTimeout(5000);
            // MQTT 3.1.1 CONNECT, clean session, client id "cli"; the answer is CONNACK accepted.
            socket.getOutputStream().write(new byte[] {0x10, 0x0F, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00,
                0x3C, 0x00, 0x03, 'c', 'l', 'i'});
            assertThat(socket.getInputStream().readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
        }
    }

    @Test
    void unknownAdminPathIs404() throws Exception {
        lintas = RunningServer.start(dir.resolve("lintas.yaml"), NO_ROUTES);

        HttpResponse<String> response = lintas.admin("GET", "/status");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("/health").contains("/metrics").contains("POST /reload");
    }

    @Test
    void wrongMethodsAre405WithTheAllowedOne() throws Exception {
        lintas = RunningServer.start(dir.resolve("lintas.yaml"), NO_ROUTES);

        HttpResponse<String> postHealth = lintas.admin("POST", "/health");
        HttpResponse<String> deleteMetrics = lintas.admin("DELETE", "/metrics");
        HttpResponse<String> getReload = lintas.admin("GET", "/reload");

        assertThat(postHealth.statusCode()).isEqualTo(405);
        assertThat(postHealth.headers().firstValue("allow")).hasValue("GET");
        assertThat(deleteMetrics.statusCode()).isEqualTo(405);
        assertThat(deleteMetrics.headers().firstValue("allow")).hasValue("GET");
        assertThat(getReload.statusCode()).isEqualTo(405);
        assertThat(getReload.headers().firstValue("allow")).hasValue("POST");
    }

    @Test
    void postReloadAppliesTheChangedFile() throws Exception {
        Path file = dir.resolve("lintas.yaml");
        lintas = RunningServer.start(file, NO_ROUTES);
        backend = TinyBackend.named("app");
        Files.writeString(file, NO_ROUTES + """
                  routes:
                    - path: /
                      upstream: app
                  upstreams:
                    app:
                      servers: [%s]
                """.formatted(backend.address()));

        HttpResponse<String> reload = lintas.admin("POST", "/reload");

        assertThat(reload.statusCode()).isEqualTo(200);
        assertThat(reload.body()).isEqualTo("reloaded " + file + "\n");
        HttpResponse<String> response = lintas.gateway("/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("app");
    }

    @Test
    void postReloadOfABadFileIs422WithTheProblemsAndKeepsTheRunningConfig() throws Exception {
        Path file = dir.resolve("lintas.yaml");
        lintas = RunningServer.start(file, NO_ROUTES);
        Files.writeString(file, NO_ROUTES + "  drain-timout: 5s\n");

        HttpResponse<String> reload = lintas.admin("POST", "/reload");

        assertThat(reload.statusCode()).isEqualTo(422);
        assertThat(reload.body().lines()).containsExactly("reload refused, the running config stays:",
                file + ":8:3: unknown key 'drain-timout' (did you mean 'drain-timeout'?)");
        assertThat(lintas.gateway("/").statusCode()).as("still running, with no routes").isEqualTo(404);
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        Path file = Files.writeString(dir.resolve("lintas.yaml"), NO_ROUTES);
        LintasServer server = new LintasServer(LintasConfig.load(file), 1);
        server.start();
        server.close();

        assertThatCode(server::close).as("a second close, as AutoCloseable encourages").doesNotThrowAnyException();
    }
}
