package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.RawConnection;
import dev.lintas.gateway.testing.TestBackend;

/** Message framing and connection handling that a proxy must get right beyond plain GET and POST. */
class HttpSemanticsTest {

    private static final String HOST = "Host: app.test\r\n";

    @AutoClose
    private static TestBackend app;
    @AutoClose
    private static GatewayUnderTest gateway;
    /** Routes every host, for requests that name none. */
    @AutoClose
    private static GatewayUnderTest noHostGateway;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startGateway() {
        app = TestBackend.start("app");
        gateway = GatewayUnderTest.start("""
                gateway:
                  access-log: off
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                  routes:
                    - host: app.test
                      upstream: app
                    - host: 127.0.0.1
                      upstream: app
                  upstreams:
                    app:
                      servers: [%s]
                """.formatted(app.address()));
        noHostGateway = GatewayUnderTest.proxying("", app.address());
    }

    @Test
    void headResponsesCarryNoBodyAndTheConnectionStaysUsable() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("HEAD /bytes/5000 HTTP/1.1\r\n" + HOST + "\r\n"
                    + "GET /x HTTP/1.1\r\n" + HOST + "\r\n");
            // The HEAD answer says how long the body would be, and sends none: the next bytes are the GET's answer.
            String head = connection.readHead();
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: 5000");
            RawConnection.Response next = connection.readResponse();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("app");
        }
    }

    @Test
    void noContentAndNotModifiedHaveNoBody() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("GET /status/204 HTTP/1.1\r\n" + HOST + "\r\n"
                    + "GET /status/304 HTTP/1.1\r\n" + HOST + "\r\n"
                    + "GET /x HTTP/1.1\r\n" + HOST + "\r\n");
            assertThat(connection.readResponse().status()).isEqualTo(204);
            assertThat(connection.readResponse().status()).isEqualTo(304);
            assertThat(connection.readResponse().bodyText()).isEqualTo("app");
        }
    }

    @Test
    void expectContinueGetsTheBodyThrough() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gateway.uri("/echo"))
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString("after the interim answer")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("after the interim answer");
    }

    @Test
    void http10ClientsGetAnAnswerTheyCanFrame() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("GET /x HTTP/1.0\r\n" + HOST + "\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("app");
            assertThat(connection.readsEndOfStream()).isTrue();
        }
    }

    @Test
    void http10KeepAliveIsHonoured() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("GET /x HTTP/1.0\r\n" + HOST + "Connection: keep-alive\r\n\r\n"
                    + "GET /y HTTP/1.0\r\n" + HOST + "\r\n");
            RawConnection.Response first = connection.readResponse();
            assertThat(first.header("connection")).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("keep-alive"));
            assertThat(connection.readResponse().bodyText()).isEqualTo("app");
            assertThat(connection.readsEndOfStream()).isTrue();
        }
    }

    @Test
    void aLocalAnswerToABodylessRequestKeepsTheConnection() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("GET /x HTTP/1.1\r\nHost: elsewhere.test\r\n\r\n"
                    + "GET /x HTTP/1.1\r\n" + HOST + "\r\n");
            RawConnection.Response miss = connection.readResponse();
            assertThat(miss.status()).isEqualTo(404);
            assertThat(miss.header("connection")).isEmpty();
            assertThat(connection.readResponse().bodyText()).isEqualTo("app");
        }
    }

    @Test
    void hopByHopHeadersAreRemovedAndConnectionNamedOnesToo() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("GET /headers HTTP/1.1\r\n" + HOST + "Connection: keep-alive, X-Secret\r\n"
                    + "X-Secret: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: x\r\n"
                    + "Upgrade: h2c\r\nX-Kept: yes\r\n\r\n");
            String seen = connection.readResponse().bodyText().toLowerCase();
            assertThat(seen).contains("x-kept: yes")
                    .doesNotContain("x-secret").doesNotContain("keep-alive").doesNotContain("te: trailers")
                    .doesNotContain("proxy-authorization").doesNotContain("upgrade");
        }
    }

    @Test
    void anUpstreamThatSaysConnectionCloseIsNotReused() throws Exception {
        // The backend's /close answer carries Connection: close; a second request must not go out on that socket.
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            for (int i = 0; i < 3; i++) {
                connection.send("POST /close HTTP/1.1\r\n" + HOST + "Content-Length: 1\r\n\r\nx");
                RawConnection.Response response = connection.readResponse();
                assertThat(response.status()).as("request %d", i).isEqualTo(200);
                assertThat(response.header("connection")).isEmpty();
            }
        }
    }

    @Test
    void versionsOtherThanHttp1AreRefusedWith505() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("GET / HTTP/2.0\r\n" + HOST + "\r\n");
            assertThat(connection.readResponse().status()).isEqualTo(505);
            assertThat(connection.readsEndOfStream()).isTrue();
        }
        assertThat(app.requests("/")).isZero();
    }

    @Test
    void aHostWithSpacesIsRefused() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("GET / HTTP/1.1\r\nHost: bad host\r\n\r\n");
            assertThat(connection.readResponse().status()).isEqualTo(400);
        }
    }

    @Test
    void http10ClientsGetAChunkedUpstreamBodyRawAndThenTheClose() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            // /echo answers chunked; an HTTP/1.0 client cannot read chunked coding.
            connection.send("POST /echo HTTP/1.0\r\n" + HOST + "Content-Length: 11\r\n\r\nhello there");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("transfer-encoding")).isEmpty();
            assertThat(response.bodyText()).isEqualTo("hello there");
        }
    }

    @Test
    void anAbsoluteFormTargetSetsTheHostTheUpstreamSees() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("GET http://app.test/headers HTTP/1.1\r\nHost: elsewhere.test\r\n\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).startsWith("GET /headers").containsIgnoringCase("host: app.test\n")
                    .doesNotContainIgnoringCase("host: elsewhere.test\n");
        }
    }

    @Test
    void anHttp10RequestWithoutHostReachesTheUpstreamWithOne() throws Exception {
        try (RawConnection connection = RawConnection.open(noHostGateway.address())) {
            connection.send("GET /headers HTTP/1.0\r\n\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).containsIgnoringCase("host: " + app.address() + "\n");
        }
    }

    @Test
    void connectionCannotStripHost() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("GET /headers HTTP/1.1\r\n" + HOST + "Connection: host\r\n\r\n");
            assertThat(connection.readResponse().bodyText()).containsIgnoringCase("host: app.test\n");
        }
    }
}
