package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.TestBackend;
import dev.lintas.gateway.testing.TestBackends;

/**
 * Retries: a request moves to the next server after a connect failure, a reset before the response, or a 502/503
 * for an idempotent method; a non-idempotent request is never sent twice; timeouts answer 504.
 */
class RetryTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @AutoClose
    private final TestBackends backends = new TestBackends();
    @AutoClose
    private GatewayUnderTest gateway;

    private HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(gateway.uri(path))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("payload")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An address where nothing listens: a port taken from the system, then given back. */
    private static String deadAddress() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void aReusedConnectionThatFailsIsRetriedOnAFreshOne() throws Exception {
        TestBackend a = backends.start("a");
        gateway = GatewayUnderTest.proxying("max-fails: 0", a.address());
        assertThat(send("GET", "/").statusCode()).isEqualTo(200); // leaves a pooled connection
        a.resetReusedConnections(true);
        HttpResponse<String> response = send("GET", "/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("a");
        assertThat(a.requests()).isEqualTo(3); // the first, the one the pooled connection lost, the fresh retry
    }

    @Test
    void aPostOnAReusedConnectionThatFailsIsNotSentAgain() throws Exception {
        TestBackend a = backends.start("a");
        gateway = GatewayUnderTest.proxying("max-fails: 0", a.address());
        assertThat(send("GET", "/").statusCode()).isEqualTo(200);
        a.resetReusedConnections(true);
        assertThat(send("POST", "/sink").statusCode()).isEqualTo(502);
        assertThat(a.requests()).isEqualTo(2);
    }

    @Test
    void connectFailureMovesAnyRequestToTheNextServer() throws Exception {
        TestBackend b = backends.start("b");
        gateway = GatewayUnderTest.proxying("balance: round-robin", deadAddress(), b.address());
        for (int i = 0; i < 4; i++) {
            assertThat(send("POST", "/sink").statusCode()).isEqualTo(200);
            assertThat(send("GET", "/").body()).isEqualTo("b");
        }
    }

    @Test
    void idempotentRequestMovesOnAfterAResetBeforeTheResponse() throws Exception {
        TestBackend a = backends.start("a");
        TestBackend b = backends.start("b");
        a.resetRequests(true);
        gateway = GatewayUnderTest.proxying("max-fails: 0", a.address(), b.address());
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
        TestBackend a = backends.start("a");
        a.resetRequests(true);
        TestBackend b = backends.start("b");
        b.resetRequests(true);
        gateway = GatewayUnderTest.proxying("max-fails: 0", a.address(), b.address());
        HttpResponse<String> response = send("POST", "/sink");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(a.requests() + b.requests()).isEqualTo(1);
    }

    @Test
    void status503MovesIdempotentRequestsOnButNotPosts() throws Exception {
        TestBackend a = backends.start("a");
        TestBackend b = backends.start("b");
        a.unhealthy(true); // a answers 503 on /health
        gateway = GatewayUnderTest.proxying("max-fails: 0", a.address(), b.address());
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
        TestBackend a = backends.start("a");
        gateway = GatewayUnderTest.proxying("retries: 3", a.address());
        HttpResponse<String> response = send("GET", "/status/502");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("x-backend")).hasValue("a");
        assertThat(a.requests("/status/502")).isEqualTo(1);
    }

    @Test
    void retriesAreBounded() throws Exception {
        TestBackend a = backends.start("a");
        TestBackend b = backends.start("b");
        TestBackend c = backends.start("c");
        a.resetRequests(true);
        b.resetRequests(true);
        c.resetRequests(true);
        gateway = GatewayUnderTest.proxying("retries: 1\nmax-fails: 0", a.address(), b.address(), c.address());
        assertThat(send("GET", "/").statusCode()).isEqualTo(502);
        assertThat(a.requests() + b.requests() + c.requests()).isEqualTo(2);
    }

    @Test
    void slowResponseHeadAnswers504() throws Exception {
        TestBackend a = backends.start("a");
        gateway = GatewayUnderTest.proxying("response-timeout: 300ms", a.address());
        HttpResponse<String> response = send("GET", "/delay/20000");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).contains("did not answer in time");
        assertThat(a.requests("/delay/20000")).isEqualTo(1);
    }

    @Test
    void aServerThatDoesNotAcceptTimesOutAndTheRequestMovesOn() throws Exception {
        TestBackend good = backends.start("good");
        // A listener that never accepts, with its accept queue filled: further connection attempts get no answer.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket filler = new Socket();
                    try {
                        filler.connect(silent.getLocalSocketAddress(), 200);
                    } catch (IOException full) {
                        filler.close();
                        break; // the queue is full: this one got no answer
                    }
                    fillers.add(filler);
                }
                gateway = GatewayUnderTest.proxying("""
                        balance: round-robin
                        connect-timeout: 300ms
                        response-timeout: 5s
                        max-fails: 0""", "127.0.0.1:" + silent.getLocalPort(), good.address());
                for (int i = 0; i < 2; i++) {
                    HttpResponse<String> response = send("GET", "/");
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo("good");
                }
                assertThat(gateway.metrics())
                        .containsPattern("lintas_gateway_upstream_failovers_total\\{upstream=\"app\"} [1-9]");
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }
}
