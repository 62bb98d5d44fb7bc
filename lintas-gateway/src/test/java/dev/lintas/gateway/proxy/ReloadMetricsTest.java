package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.TestBackend;

/** A reload that takes a route away takes its request meters away too; the routes it keeps keep counting. */
class ReloadMetricsTest {

    private static final String CONFIG = """
            gateway:
              access-log: off
              listeners:
                - name: web
                  listen: 127.0.0.1:0
              routes:
            %s
              upstreams:
                app:
                  servers: [%s]
            """;

    @AutoClose
    private final TestBackend app = TestBackend.start("app");
    @AutoClose
    private GatewayUnderTest gateway;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private void get(String path) throws Exception {
        assertThat(client.send(HttpRequest.newBuilder(gateway.uri(path)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void removedRoutesLoseTheirSeries() throws Exception {
        String both = "    - path: /a\n      upstream: app\n    - path: /b\n      upstream: app";
        gateway = GatewayUnderTest.start(CONFIG.formatted(both, app.address()));
        get("/a");
        get("/b");
        assertThat(gateway.metrics()).contains("route=\"*/a\"").contains("route=\"*/b\"");

        gateway.reload(CONFIG.formatted("    - path: /b\n      upstream: app", app.address()));
        get("/b");
        assertThat(gateway.metrics()).doesNotContain("route=\"*/a\"")
                .contains("lintas_gateway_requests_total{route=\"*/b\",status=\"2xx\",upstream=\"app\"} 2.0");
    }
}
