package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.RawConnection;
import dev.lintas.gateway.testing.TestBackend;

/**
 * Slowloris: many clients that send their request heads a few bytes at a time and never finish them. The header
 * timeout cuts each one off however often it sends a byte, and meanwhile other clients are served as usual.
 */
class SlowlorisTest {

    private static final int SLOW_CLIENTS = 100;
    /** What a slow client sends: a request head that goes on and on, one field value that never ends. */
    private static final byte[] ENDLESS_HEAD_START = "GET / HTTP/1.1\r\nHost: app.test\r\nX-Slow: "
            .getBytes(StandardCharsets.US_ASCII);

    private final List<SlowClient> slowClients = new ArrayList<>();
    private ScheduledExecutorService dribbler;
    @AutoClose
    private TestBackend app;
    @AutoClose
    private GatewayUnderTest gateway;

    @BeforeEach
    void setUp() {
        app = TestBackend.start("app");
        gateway = GatewayUnderTest.start("""
                gateway:
                  access-log: off
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                      header-timeout: 1s
                      idle-timeout: 60s
                  routes:
                    - path: /
                      upstream: app
                  upstreams:
                    app:
                      servers: [%s]
                """.formatted(app.address()));
        dribbler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void tearDown() throws Exception {
        dribbler.shutdownNow();
        dribbler.awaitTermination(10, TimeUnit.SECONDS);
        for (SlowClient client : slowClients) {
            client.connection.close();
        }
    }

    @Test
    void cutsOffSlowHeadsAndServesOthersMeanwhile() throws Exception {
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            SlowClient client = new SlowClient(RawConnection.open(gateway.address()));
            client.dribble(7); // "GET / H"
            slowClients.add(client);
        }
        // Then a few more bytes to each, every 100 ms, for as long as the gateway keeps them open.
        dribbler.scheduleWithFixedDelay(() -> slowClients.forEach(client -> client.dribble(3)),
                100, 100, TimeUnit.MILLISECONDS);

        try (RawConnection normal = RawConnection.open(gateway.address())) {
            RawConnection.Response response = normal
                    .send("GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n")
                    .readResponse();
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("app");
        }

        // Each read blocks until the gateway ends the connection, or fails the test after the read timeout.
        Map<String, Integer> outcomes = new TreeMap<>();
        for (SlowClient client : slowClients) {
            outcomes.merge(client.outcome(), 1, Integer::sum);
        }
        // Each one gets the 408. A client that goes on sending after the gateway has closed gets a reset from the
        // gateway's kernel rather than the end of the stream: closed all the same.
        assertThat(outcomes.keySet()).as("how the slow connections ended: " + outcomes)
                .isSubsetOf("408, then closed", "408, then reset");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gateway.gateway().connections()).as("open client connections").isZero());
    }

    /** One slowloris connection. Its bytes are written by the dribbler thread only, after the first ones. */
    private static final class SlowClient {
        private final RawConnection connection;
        private int sent;
        private volatile boolean broken;

        SlowClient(RawConnection connection) {
            this.connection = connection;
        }

        /** Sends the next {@code count} bytes of a head that never ends; stops once the gateway is gone. */
        void dribble(int count) {
            if (broken) {
                return;
            }
            byte[] bytes = new byte[count];
            for (int i = 0; i < count; i++, sent++) {
                bytes[i] = sent < ENDLESS_HEAD_START.length ? ENDLESS_HEAD_START[sent] : (byte) 'a';
            }
            try {
                connection.send(bytes);
            } catch (IOException e) {
                broken = true; // the gateway closed the connection: what this test waits for
            }
        }

        /** Reads until the gateway ends the connection, and says how it ended. */
        String outcome() throws IOException {
            try {
                RawConnection.Response response = connection.readResponse();
                if (response.status() != 408) {
                    return "answered " + response;
                }
                try {
                    return connection.readsEndOfStream() ? "408, then closed" : "408, then more bytes";
                } catch (SocketException e) {
                    if (e.getMessage() != null && e.getMessage().contains("reset")) {
                        return "408, then reset";
                    }
                    throw e;
                }
            } catch (EOFException e) {
                return "closed without an answer";
            } catch (SocketException e) {
                if (e.getMessage() != null && e.getMessage().contains("reset")) {
                    return "reset";
                }
                throw e;
            }
        }
    }
}
