package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.RawConnection;
import dev.lintas.gateway.testing.TestBackend;

/**
 * Pipelining (RFC 9112 section 9.3): requests written back to back on one connection, before any response, are
 * each answered whole and in the order they were sent.
 */
class PipeliningTest {

    private static final String HOST = "Host: app.test\r\n";

    @AutoClose
    private static TestBackend app;
    @AutoClose
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void startGateway() {
        app = TestBackend.start("app");
        gateway = GatewayUnderTest.proxying("", app.address());
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            // The first answer is the slowest to come from the backend, so answers out of order would show.
            connection.send("GET /delay/50 HTTP/1.1\r\n" + HOST + "\r\n"
                    + "GET /status/202 HTTP/1.1\r\n" + HOST + "\r\n"
                    + "GET /headers?n=3 HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n");

            RawConnection.Response first = connection.readResponse();
            assertThat(first.status()).as(first.toString()).isEqualTo(200);
            assertThat(first.bodyText()).isEqualTo("app");
            assertThat(first.header("X-Backend")).hasValue("app");

            RawConnection.Response second = connection.readResponse();
            assertThat(second.status()).as(second.toString()).isEqualTo(202);
            assertThat(second.body()).isEmpty();
            assertThat(second.header("X-Backend")).hasValue("app");

            RawConnection.Response third = connection.readResponse();
            assertThat(third.status()).as(third.toString()).isEqualTo(200);
            assertThat(third.bodyText()).startsWith("GET /headers?n=3\n");
            assertThat(third.header("X-Backend")).hasValue("app");

            assertThat(connection.readsEndOfStream()).as("closed after the request that asked for it").isTrue();
        }
    }

    @Test
    void answersManyPipelinedRequestsInOrder() throws Exception {
        int count = 20;
        StringBuilder requests = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            String path = i % 5 == 0 ? "/delay/20?n=" + i : "/headers?n=" + i;
            requests.append("GET ").append(path).append(" HTTP/1.1\r\n").append(HOST).append("\r\n");
        }
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send(requests.toString());

            List<String> answered = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                RawConnection.Response response = connection.readResponse();
                assertThat(response.status()).as(response.toString()).isEqualTo(200);
                String body = response.bodyText();
                answered.add(body.startsWith("GET ") ? body.substring(4, body.indexOf('\n')) : body);
            }
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                expected.add(i % 5 == 0 ? "app" : "/headers?n=" + i);
            }
            assertThat(answered).containsExactlyElementsOf(expected);

            // The connection is still good for one more request after the pipeline.
            RawConnection.Response after = connection.send("GET / HTTP/1.1\r\n" + HOST + "\r\n").readResponse();
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.bodyText()).isEqualTo("app");
        }
    }

    @Test
    void answersARequestWithABodyAndThenTheRequestPipelinedBehindIt() throws Exception {
        String body = "hello through the pipeline";
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: " + body.length() + "\r\n\r\n"
                    + body
                    + "GET /headers?n=2 HTTP/1.1\r\n" + HOST + "\r\n");

            RawConnection.Response echoed = connection.readResponse();
            assertThat(echoed.status()).as(echoed.toString()).isEqualTo(200);
            assertThat(echoed.bodyText()).isEqualTo(body);

            RawConnection.Response second = connection.readResponse();
            assertThat(second.status()).as(second.toString()).isEqualTo(200);
            assertThat(second.bodyText()).startsWith("GET /headers?n=2\n");
        }
    }

    @Test
    void answersUpToABadRequestInThePipelineAndThenCloses() throws Exception {
        int before = app.requests("/headers");
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("GET /headers?n=1 HTTP/1.1\r\n" + HOST + "\r\n"
                    + "GET /headers?n=2 HTTP/1.1\r\nHost : app.test\r\n\r\n"
                    + "GET /headers?n=3 HTTP/1.1\r\n" + HOST + "\r\n");

            RawConnection.Response first = connection.readResponse();
            assertThat(first.status()).as(first.toString()).isEqualTo(200);
            assertThat(first.bodyText()).startsWith("GET /headers?n=1\n");

            RawConnection.Response second = connection.readResponse();
            assertThat(second.status()).as(second.toString()).isEqualTo(400);
            assertThat(second.header("Connection")).hasValue("close");

            // Where the request after a malformed one begins cannot be known, so it is not answered.
            assertThat(connection.readsEndOfStream()).as("closed after the 400").isTrue();
        }
        assertThat(app.requests("/headers") - before).as("requests that reached the backend").isEqualTo(1);
    }

    @Test
    void answersARequestWithABodyPipelinedBehindAnother() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("GET / HTTP/1.1\r\n" + HOST + "\r\n"
                    + "POST /sink HTTP/1.1\r\n" + HOST + "Content-Length: 3\r\n\r\nabc");

            RawConnection.Response first = connection.readResponse();
            assertThat(first.status()).as(first.toString()).isEqualTo(200);
            assertThat(first.bodyText()).isEqualTo("app");

            RawConnection.Response second = connection.readResponse();
            assertThat(second.status()).as(second.toString()).isEqualTo(200);
            assertThat(second.bodyText()).as("body bytes the backend received").isEqualTo("3");
        }
    }

    @Test
    void answersChunkedRequestBodiesPipelinedBackToBack() throws Exception {
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send("POST /sink HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                    + "POST /sink HTTP/1.1\r\n" + HOST + "Content-Length: 3\r\n\r\nabc"
                    + "GET /headers?n=3 HTTP/1.1\r\n" + HOST + "\r\n");

            RawConnection.Response first = connection.readResponse();
            assertThat(first.status()).as(first.toString()).isEqualTo(200);
            assertThat(first.bodyText()).isEqualTo("11");

            RawConnection.Response second = connection.readResponse();
            assertThat(second.status()).as(second.toString()).isEqualTo(200);
            assertThat(second.bodyText()).isEqualTo("3");

            RawConnection.Response third = connection.readResponse();
            assertThat(third.status()).as(third.toString()).isEqualTo(200);
            assertThat(third.bodyText()).startsWith("GET /headers?n=3\n");
        }
    }
}
