package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.stream.Stream;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.RawConnection;
import dev.lintas.gateway.testing.TestBackend;

/**
 * Black-box tests of what the gateway answers to malformed or oversized requests (RFC 9112 sections 2.2, 3, 5,
 * 6 and 7.1; RFC 9110 section 15.5), written as raw bytes. Each bad request gets one exact status with a short
 * plain-text body, the connection is closed after it, and the gateway goes on serving new connections.
 * <p>
 * One gateway serves every case of the class, so each case also checks that the ones before it did no harm.
 */
class BadInputTest {

    private static final String HOST = "Host: app.test\r\n";
    /** The {@code max-body-size} of the {@code web} listener. */
    private static final int MAX_BODY = 1024;

    @AutoClose
    private static TestBackend app;
    @AutoClose
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void startGateway() {
        app = TestBackend.start("app");
        gateway = GatewayUnderTest.start("""
                gateway:
                  access-log: off
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                      max-body-size: 1KiB
                    - name: small-heads
                      listen: 127.0.0.1:0
                      max-header-size: 1KiB
                  routes:
                    - path: /
                      upstream: app
                  upstreams:
                    app:
                      servers: [%s]
                """.formatted(app.address()));
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                // Message body length, RFC 9112 section 6.
                Arguments.argumentSet("Content-Length together with Transfer-Encoding: chunked",
                        "POST / HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.argumentSet("two Content-Length fields with different values",
                        "POST / HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
                Arguments.argumentSet("a Content-Length list with different values",
                        "POST / HTTP/1.1\r\n" + HOST + "Content-Length: 5, 6\r\n\r\nhello!", 400),
                Arguments.argumentSet("an invalid chunk size",
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                                + "zz\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.argumentSet("a Transfer-Encoding whose last coding is not chunked",
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked, gzip\r\n\r\n"
                                + "5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.argumentSet("a Transfer-Encoding without chunked",
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: gzip\r\n\r\nhello", 400),

                // Size limits of the head, RFC 9112 section 2.3 and RFC 6585 section 5.
                Arguments.argumentSet("one header field that makes the head larger than 32 KiB",
                        "GET / HTTP/1.1\r\n" + HOST + "X-Filler: " + "a".repeat(40 * 1024) + "\r\n\r\n", 431),
                Arguments.argumentSet("many header fields that together are larger than 32 KiB",
                        "GET / HTTP/1.1\r\n" + HOST + manyFields(100, 400) + "\r\n", 431),
                Arguments.argumentSet("a request line longer than the limit",
                        "GET /" + "a".repeat(40 * 1024) + " HTTP/1.1\r\n" + HOST + "\r\n", 414),

                // The request line, RFC 9112 section 3.
                Arguments.argumentSet("a request line that is not HTTP",
                        "this is not http\r\n\r\n", 400),
                Arguments.argumentSet("a TLS ClientHello sent to the plain-text port",
                        "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003"
                                + "\u00aa".repeat(32), 400),

                // Field syntax, RFC 9112 section 5.
                Arguments.argumentSet("whitespace between a field name and the colon",
                        "GET / HTTP/1.1\r\nHost : app.test\r\n\r\n", 400),
                Arguments.argumentSet("obs-fold with a space",
                        "GET / HTTP/1.1\r\n" + HOST + "X-Folded: first\r\n second\r\n\r\n", 400),
                Arguments.argumentSet("obs-fold with a tab",
                        "GET / HTTP/1.1\r\n" + HOST + "X-Folded: first\r\n\tsecond\r\n\r\n", 400),
                Arguments.argumentSet("NUL inside a field value",
                        "GET / HTTP/1.1\r\n" + HOST + "X-Value: a\u0000b\r\n\r\n", 400),
                Arguments.argumentSet("a bare CR inside a field value",
                        "GET / HTTP/1.1\r\n" + HOST + "X-Value: a\rb\r\n\r\n", 400),
                Arguments.argumentSet("a bare LF inside a field value",
                        "GET / HTTP/1.1\r\n" + HOST + "X-Value: a\nb\r\n\r\n", 400),

                // Host, RFC 9112 section 3.2.
                Arguments.argumentSet("HTTP/1.1 without Host",
                        "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
                Arguments.argumentSet("HTTP/1.1 with two Host fields",
                        "GET / HTTP/1.1\r\n" + HOST + "Host: other.test\r\n\r\n", 400),

                // The body limit of the listener, RFC 9110 section 15.5.14.
                Arguments.argumentSet("a Content-Length over max-body-size",
                        "POST / HTTP/1.1\r\n" + HOST + "Content-Length: " + (MAX_BODY + 1) + "\r\n\r\n"
                                + "x".repeat(MAX_BODY + 1), 413),
                Arguments.argumentSet("a chunked body that grows past max-body-size",
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                                + chunks(3, MAX_BODY / 2) + "0\r\n\r\n", 413));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void answersWithOneStatusClosesAndKeepsServingOthers(String request, int status, TestInfo test)
            throws IOException {
        assertRefused(webListener(), test.getDisplayName(), request, status);
        assertServesGoodRequest(webListener());
    }

    @Test
    void answers431ToAHeadOverAConfiguredSmallerLimit() throws IOException {
        String request = "GET / HTTP/1.1\r\n" + HOST + "X-Filler: " + "a".repeat(2048) + "\r\n"
                + "Connection: close\r\n\r\n";
        try (RawConnection connection = RawConnection.open(webListener())) {
            assertThat(connection.send(request).readResponse().status())
                    .as("the same head under the default limit of 32 KiB")
                    .isEqualTo(200);
        }

        InetSocketAddress small = gateway.gateway().address("small-heads");
        assertRefused(small, "a 2 KiB head on a listener with max-header-size: 1KiB", request, 431);
        assertServesGoodRequest(small);
    }

    @Test
    void acceptsBodiesUpToMaxBodySize() throws IOException {
        try (RawConnection connection = RawConnection.open(webListener())) {
            RawConnection.Response response = connection.send("POST /sink HTTP/1.1\r\n" + HOST
                    + "Content-Length: " + MAX_BODY + "\r\n\r\n" + "x".repeat(MAX_BODY)).readResponse();
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo(Integer.toString(MAX_BODY));

            response = connection.send("POST /sink HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                    + chunks(2, MAX_BODY / 2) + "0\r\n\r\n").readResponse();
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo(Integer.toString(MAX_BODY));
        }
    }

    private static InetSocketAddress webListener() {
        return gateway.address();
    }

    /** Sends {@code request} on a new connection and checks the answer, and that the gateway then closes. */
    private static void assertRefused(InetSocketAddress listener, String what, String request, int status)
            throws IOException {
        try (RawConnection connection = RawConnection.open(listener)) {
            connection.send(request);
            RawConnection.Response response = connection.readResponse();
            assertThat(response.status()).as(what + ": " + response).isEqualTo(status);
            assertThat(response.header("Content-Type")).as(what).hasValueSatisfying(type ->
                    assertThat(type).startsWith("text/plain"));
            assertThat(response.bodyText()).as(what + ": a short text that says what is wrong")
                    .isNotBlank()
                    .hasSizeLessThan(512);
            assertThat(response.header("Connection")).as(what).hasValue("close");
            assertThat(connection.readsEndOfStream())
                    .as(what + ": the gateway closes the connection after " + status)
                    .isTrue();
        }
    }

    private static void assertServesGoodRequest(InetSocketAddress listener) throws IOException {
        try (RawConnection connection = RawConnection.open(listener)) {
            RawConnection.Response response = connection
                    .send("GET / HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n")
                    .readResponse();
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("app");
            assertThat(response.header("X-Backend")).hasValue("app");
        }
    }

    private static String manyFields(int count, int valueLength) {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < count; i++) {
            fields.append("X-Filler-").append(i).append(": ").append("a".repeat(valueLength)).append("\r\n");
        }
        return fields.toString();
    }

    private static String chunks(int count, int size) {
        return (Integer.toHexString(size) + "\r\n" + "x".repeat(size) + "\r\n").repeat(count);
    }
}
