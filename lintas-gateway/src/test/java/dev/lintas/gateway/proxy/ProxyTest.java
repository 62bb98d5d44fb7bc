package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.TestBackend;

class ProxyTest {

    private final HttpClient client = HttpClient.newHttpClient();
    @AutoClose
    private TestBackend app;
    @AutoClose
    private TestBackend api;
    @AutoClose
    private GatewayUnderTest gateway;

    @BeforeEach
    void setUp() {
        app = TestBackend.start("app");
        api = TestBackend.start("api");
        gateway = GatewayUnderTest.start("""
                gateway:
                  access-log: off
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                  routes:
                    - host: api.example.com
                      upstream: api
                    - host: "*.internal"
                      path: /
                      upstream: api
                    - path: /api/
                      upstream: api
                    - path: /
                      upstream: app
                  upstreams:
                    app:
                      servers: [%s]
                    api:
                      servers: [%s]
                """.formatted(app.address(), api.address()));
    }

    private HttpResponse<String> get(String path, String host) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path));
        if (host != null) {
            request.header("Host", host);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void routesByPathPrefixAndHostInOrder() throws Exception {
        assertThat(get("/", null).body()).isEqualTo("app");
        assertThat(get("/api/orders", null).body()).isEqualTo("api");
        assertThat(get("/anything", "api.example.com").body()).isEqualTo("api");
        assertThat(get("/anything", "billing.internal").body()).isEqualTo("api");
        assertThat(get("/anything", "internal").body()).isEqualTo("app");
        assertThat(get("/anything", "www.example.com").body()).isEqualTo("app");
    }

    @Test
    void streamsRequestBodiesThrough() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gateway.uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("hello through the gateway")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello through the gateway");
        assertThat(response.headers().firstValue("x-backend")).hasValue("app");
    }

    @Test
    void keepsConnectionsAliveAcrossRequests() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(get("/", null).statusCode()).isEqualTo(200);
        }
        assertThat(gateway.gateway().connections()).isEqualTo(1);
    }

    @Test
    void addsForwardingHeadersAndKeepsHost() throws Exception {
        String seen = client.send(HttpRequest.newBuilder(gateway.uri("/headers"))
                        .header("X-Forwarded-For", "203.0.113.9").build(),
                HttpResponse.BodyHandlers.ofString()).body().toLowerCase();
        assertThat(seen).contains("x-forwarded-for: 203.0.113.9, 127.0.0.1")
                .contains("x-forwarded-proto: http")
                .contains("x-forwarded-host: 127.0.0.1:" + gateway.port())
                .contains("forwarded: for=127.0.0.1;host=\"127.0.0.1:" + gateway.port() + "\";proto=http")
                .contains("via: 1.1 lintas")
                .contains("host: 127.0.0.1:" + gateway.port());
    }
}
