package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.TestBackend;

/** The Upgrade passes through, and the connection then becomes a tunnel in both directions. */
class WebSocketTest {

    @AutoClose
    private TestBackend backend;
    @AutoClose
    private GatewayUnderTest gateway;

    @BeforeEach
    void setUp() {
        backend = TestBackend.start("ws");
        gateway = GatewayUnderTest.proxying("", backend.address());
    }

    @Test
    void echoesMessagesThroughTheGateway() throws Exception {
        int count = 200;
        List<String> received = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(count + 1); // the server's hello, then the echoes
        StringBuilder partial = new StringBuilder();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            received.add(partial.toString());
                            partial.setLength(0);
                            all.countDown();
                        }
                        ws.request(1);
                        return CompletableFuture.completedFuture(null);
                    }
                })
                .get(10, TimeUnit.SECONDS);
        String large = "x".repeat(6000);
        for (int i = 0; i < count; i++) {
            socket.sendText(i % 50 == 0 ? large : "message " + i, true).get(10, TimeUnit.SECONDS);
        }
        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(received).hasSize(count + 1);
        assertThat(received.get(0)).isEqualTo("hello");
        assertThat(received.get(1)).isEqualTo("echo: " + large);
        assertThat(received.get(2)).isEqualTo("echo: message 1");
        assertThat(received.get(count)).isEqualTo("echo: message " + (count - 1));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void whatTheServerSaysFirstReachesTheClient() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 20; i++) {
            CompletableFuture<String> first = new CompletableFuture<>();
            WebSocket socket = client.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/ws"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            first.complete(data.toString());
                            return null;
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            assertThat(first.get(10, TimeUnit.SECONDS)).as("session %d", i).isEqualTo("hello");
            socket.abort();
        }
    }
}
