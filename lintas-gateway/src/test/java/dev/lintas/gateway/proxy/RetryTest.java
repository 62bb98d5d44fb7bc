package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.TestBackend;

/**
 * Retries: a request moves to the next server after a connect failure, a reset before the response, or a 502/503
 * for an idempotent method; a non-idempotent request is never sent twice; timeouts answer 504.
 */
class RetryTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestBackend a;
    private TestBackend b;
    private GatewayUnderTest gateway;

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private void start(String upstreamExtra, String... servers) {
        gateway = GatewayUnderTest.start("""
                gateway:
                  access-log: off
                  drain-timeout: 1s
                  listeners:
                    - listen: 127.0.0.1:0
                  routes:
                    - path: /
                      upstream: app
                  upstreams:
                    app:
                %s
                      servers: [%s]
                """.formatted(upstreamExtra, String.join(", ", servers)));
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(gateway.uri(path))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("payload")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An address where nothing listens: a port taken from the system, then given back. */
    private static String deadAddress() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void connectFailureMovesAnyRequestToTheNextServer() throws Exception {
        b = TestBackend.start("b");
        start("      balance: round-robin", deadAddress(), b.address());
        for (int i = 0; i < 4; i++) {
            assertThat(send("POST", "/sink").statusCode()).isEqualTo(200);
            assertThat(send("GET", "/").body()).isEqualTo("b");
        }
    }

    @Test
    void idempotentRequestMovesOnAfterAResetBeforeTheResponse() throws Exception {
        a = TestBackend.start("a");
        b = TestBackend.start("b");
        a.resetRequests(true);
        start("      max-fails: 0", a.address(), b.address());
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = send("GET", "/");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("b");
        }
        assertThat(a.requests()).isPositive();
        assertThat(gateway.metrics()).containsPattern("lintas_gateway_upstream_retries_total\\{upstream=\"app\"} [1-9]");
    }

    @Test
    void nonIdempotentRequestIsNeverSentTwice() throws Exception {
        a = TestBackend.start("a");
        a.resetRequests(true);
        b = TestBackend.start("b");
        b.resetRequests(true);
        start("      max-fails: 0", a.address(), b.address());
        HttpResponse<String> response = send("POST", "/sink");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(a.requests() + b.requests()).isEqualTo(1);
    }

    @Test
    void status503MovesIdempotentRequestsOnButNotPosts() throws Exception {
        a = TestBackend.start("a");
        b = TestBackend.start("b");
        a.unhealthy(true); // a answers 503 on /health
        start("      max-fails: 0", a.address(), b.address());
        for (int i = 0; i < 6; i++) {
            assertThat(send("GET", "/health").body()).isEqualTo("b");
        }
        int posts503 = 0;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = send("POST", "/health");
            if (response.statusCode() == 503) {
                posts503++;
                assertThat(response.headers().firstValue("x-backend")).hasValue("a");
            }
        }
        assertThat(posts503).as("POSTs that reached a and got its 503 back unchanged").isEqualTo(3);
    }

    @Test
    void lastAttemptPassesTheUpstreamStatusThrough() throws Exception {
        a = TestBackend.start("a");
        start("      retries: 3", a.address());
        HttpResponse<String> response = send("GET", "/status/502");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("x-backend")).hasValue("a");
        assertThat(a.requests("/status/502")).isEqualTo(1);
    }

    @Test
    void retriesAreBounded() throws Exception {
        a = TestBackend.start("a");
        b = TestBackend.start("b");
        TestBackend c = TestBackend.start("c");
        try {
            a.resetRequests(true);
            b.resetRequests(true);
            c.resetRequests(true);
            start("      retries: 1\n      max-fails: 0", a.address(), b.address(), c.address());
            assertThat(send("GET", "/").statusCode()).isEqualTo(502);
            assertThat(a.requests() + b.requests() + c.requests()).isEqualTo(2);
        } finally {
            c.close();
        }
    }

    @Test
    void slowResponseHeadAnswers504() throws Exception {
        a = TestBackend.start("a");
        start("      response-timeout: 300ms", a.address());
        HttpResponse<String> response = send("GET", "/delay/20000");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).contains("did not answer in time");
        assertThat(a.requests("/delay/20000")).isEqualTo(1);
    }
}
