package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM and SIGINT on a real {@code lintas run}: requests in flight finish, then the process exits 0. */
class StopSignalTest {

    @TempDir
    Path dir;

    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TinyBackend backend;
    private LintasProcess lintas;

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        if (lintas != null) {
            lintas.close();
        }
        if (backend != null) {
            backend.close();
        }
        client.close();
    }

    /** A backend whose answers to /slow wait until the test releases them; other paths are answered at once. */
    private void startSlowBackend() throws IOException {
        backend = TinyBackend.handling(exchange -> {
            if (!exchange.getRequestURI().getPath().startsWith("/slow")) {
                TinyBackend.answer(exchange, 200, "quick answer");
                return;
            }
            arrived.countDown();
            try {
                if (!release.await(LintasProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                    TinyBackend.answer(exchange, 500, "never released");
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            TinyBackend.answer(exchange, 200, "slow answer");
        });
    }

    private Path config() throws IOException {
        return config("");
    }

    /** Admin, one listener, every path to the backend, and {@code gatewayKeys} in the gateway section. */
    private Path config(String gatewayKeys) throws IOException {
        return Files.writeString(dir.resolve("lintas.yaml"), """
                admin:
                  listen: 127.0.0.1:0
                gateway:
                  access-log: off
                %s  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                  routes:
                    - path: /
                      upstream: app
                  upstreams:
                    app:
                      servers: [%s]
                """.formatted(gatewayKeys, backend.address()));
    }

    @Test
    void sigtermDrainsTheRequestInFlightThenExitsZero() throws Exception {
        startSlowBackend();
        lintas = LintasProcess.run(config());
        int port = lintas.gatewayPort("web");
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(arrived.await(LintasProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .as("the request reached the backend").isTrue();
        try (KeepAliveConnection idle = new KeepAliveConnection(port)) {
            assertThat(idle.get("/quick").status()).as("a request done before the stop").isEqualTo(200);

            lintas.terminate();

            lintas.awaitLine(Pattern.compile("gateway listener 'web' closed"));
            assertThat(idle.awaitClosedByPeer()).as("a connection between requests is closed at once").isTrue();
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                .as("a new connection once the stop began").isInstanceOf(ConnectException.class);
        assertThat(lintas.isAlive()).as("still draining").isTrue();
        release.countDown();

        HttpResponse<String> response = inFlight.get(LintasProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("slow answer");
        assertThat(lintas.awaitExit()).as("exit code; log:\n%s", lintas.log()).isZero();
        assertThat(lintas.log()).contains("stopping: draining requests in flight").contains("stopped")
                .doesNotContain("drain timeout");
    }

    @Test
    void requestStillInFlightAtTheDrainTimeoutIsCutAndTheExitIsStillZero() throws Exception {
        startSlowBackend();
        lintas = LintasProcess.run(config("  drain-timeout: 200ms\n"));
        int port = lintas.gatewayPort("web");
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow/never")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(arrived.await(LintasProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        lintas.terminate();

        assertThat(lintas.awaitExit()).as("exit code; log:\n%s", lintas.log()).isZero();
        assertThat(lintas.log()).contains("drain timeout: closing 1 connection(s) with requests still in flight");
        assertThatThrownBy(() -> inFlight.get(LintasProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .as("the request cut at the drain timeout").hasCauseInstanceOf(IOException.class);
    }

    @Test
    void sigtermWithNothingInFlightExitsZero() throws Exception {
        backend = TinyBackend.named("app");
        lintas = LintasProcess.run(config());
        lintas.gatewayPort("web");
        lintas.adminPort();

        lintas.terminate();

        assertThat(lintas.awaitExit()).as("exit code; log:\n%s", lintas.log()).isZero();
        assertThat(lintas.log()).contains("stopped");
    }

    @Test
    void sigintStopsTheSameWay() throws Exception {
        backend = TinyBackend.named("app");
        lintas = LintasProcess.run(config());
        lintas.gatewayPort("web");

        lintas.signal("INT");

        assertThat(lintas.awaitExit()).as("exit code; log:\n%s", lintas.log()).isZero();
        assertThat(lintas.log()).contains("stopping: draining requests in flight").contains("stopped");
    }
}
