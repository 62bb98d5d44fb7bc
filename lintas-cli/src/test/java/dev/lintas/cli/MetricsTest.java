package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} on the admin listener, in Prometheus text: the gateway's request, latency, connection and
 * upstream series, as a scraper reads them.
 */
class MetricsTest {

    @TempDir
    Path dir;

    private TinyBackend app;
    private TinyBackend unavailable;
    private TinyBackend spare;
    private RunningServer lintas;

    @BeforeEach
    void start() throws Exception {
        app = TinyBackend.named("app");
        unavailable = TinyBackend.failing(503);
        spare = TinyBackend.named("spare");
        lintas = RunningServer.start(dir.resolve("lintas.yaml"), """
                admin:
                  listen: 127.0.0.1:0
                gateway:
                  access-log: off
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                  routes:
                    - path: /flaky
                      upstream: flaky
                    - path: /
                      upstream: app
                  upstreams:
                    app:
                      servers: [%s]
                    flaky:
                      servers: [%s, %s]
                """.formatted(app.address(), unavailable.address(), spare.address()));
    }

    @AfterEach
    void stop() {
        lintas.close();
        app.close();
        unavailable.close();
        spare.close();
    }

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = lintas.admin("GET", "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return response.body();
    }

    /** The value of the one series whose name and labels are exactly {@code series}. */
    private static double value(String scrape, String series) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        assertThat(matcher.find()).as("series %s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    @Test
    void proxiedRequestIsCountedByRouteStatusClassAndUpstream() throws Exception {
        HttpResponse<String> response = lintas.gateway("/hello");
        assertThat(response.statusCode()).isEqualTo(200);

        String scrape = scrape();

        assertThat(value(scrape, "lintas_gateway_requests_total{route=\"*/\",status=\"2xx\",upstream=\"app\"}"))
                .isEqualTo(1.0);
        assertThat(value(scrape, "lintas_gateway_requests_total{route=\"*/\",status=\"5xx\",upstream=\"app\"}"))
                .isZero();
        assertThat(value(scrape, "lintas_gateway_request_duration_seconds_count{route=\"*/\",upstream=\"app\"}"))
                .isEqualTo(1.0);
        assertThat(value(scrape,
                "lintas_gateway_request_duration_seconds_bucket{route=\"*/\",upstream=\"app\",le=\"+Inf\"}"))
                .isEqualTo(1.0);
        assertThat(scrape).contains("lintas_gateway_upstream_duration_seconds_bucket{");
    }

    @Test
    void connectionAndServerGaugesAreThere() throws Exception {
        assertThat(lintas.gateway("/").statusCode()).isEqualTo(200);

        String scrape = scrape();

        assertThat(value(scrape, "lintas_gateway_downstream_connections")).isGreaterThanOrEqualTo(0.0);
        assertThat(value(scrape, "lintas_gateway_upstream_server_up{backup=\"false\",server=\"" + app.address()
                + "\",upstream=\"app\"}")).isEqualTo(1.0);
        assertThat(value(scrape, "lintas_gateway_upstream_connections{upstream=\"app\"}"))
                .isGreaterThanOrEqualTo(0.0);
        assertThat(value(scrape, "lintas_gateway_upstream_retries_total{upstream=\"app\"}")).isZero();
        assertThat(value(scrape, "lintas_gateway_upstream_failovers_total{upstream=\"app\"}")).isZero();
    }

    @Test
    void failedAttemptThatMovedToAnotherServerIsCountedAsRetryAndFailover() throws Exception {
        // Round-robin sends one of the first two requests to the server that answers 503 first; the request moves
        // on to the other one, and the client sees the answer that worked.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = lintas.gateway("/flaky");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("spare");
            assertThat(unavailable.requests()).isPositive();
        });

        String scrape = lintas.admin("GET", "/metrics").body();
        assertThat(value(scrape, "lintas_gateway_upstream_retries_total{upstream=\"flaky\"}")).isPositive();
        assertThat(value(scrape, "lintas_gateway_upstream_failovers_total{upstream=\"flaky\"}")).isPositive();
        assertThat(value(scrape, "lintas_gateway_upstream_server_up{backup=\"false\",server=\""
                + unavailable.address() + "\",upstream=\"flaky\"}")).as("taken out after max-fails 1").isZero();
        assertThat(value(scrape, "lintas_gateway_requests_total{route=\"*/flaky\",status=\"5xx\",upstream=\"flaky\"}"))
                .as("the 503 was not the answer").isZero();
    }
}
