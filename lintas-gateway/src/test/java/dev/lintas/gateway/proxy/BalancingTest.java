package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.TestBackend;

/** Each balancer, through a real gateway, against real backends. */
class BalancingTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @AutoClose
    private TestBackend a;
    @AutoClose
    private TestBackend b;
    @AutoClose
    private TestBackend c;
    @AutoClose
    private GatewayUnderTest gateway;

    @BeforeEach
    void setUp() {
        a = TestBackend.start("a");
        b = TestBackend.start("b");
        c = TestBackend.start("c");
    }

    private void startGateway(String balance, String... servers) {
        gateway = GatewayUnderTest.proxying("balance: " + balance, servers);
    }

    private Map<String, Integer> send(HttpClient from, int count, String path) throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = from.send(HttpRequest.newBuilder(gateway.uri(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            seen.merge(response.body(), 1, Integer::sum);
        }
        return seen;
    }

    @Test
    void roundRobinSplitsEvenly() throws Exception {
        startGateway("round-robin", a.address(), b.address());
        Map<String, Integer> seen = send(client, 1000, "/");
        assertThat(seen.get("a")).isBetween(450, 550);
        assertThat(seen.get("b")).isBetween(450, 550);
    }

    @Test
    void roundRobinHonoursWeightsSmoothly() throws Exception {
        startGateway("round-robin", "{address: %s, weight: 3}".formatted(a.address()), b.address());
        Map<String, Integer> seen = send(client, 400, "/");
        assertThat(seen.get("a")).isBetween(285, 315);
        assertThat(seen.get("b")).isBetween(85, 115);
    }

    @Test
    void ipHashKeepsEachClientOnOneServerAndSpreadsClients() throws Exception {
        startGateway("ip-hash", a.address(), b.address(), c.address());
        Set<String> used = new HashSet<>();
        for (int host = 1; host <= 30; host++) {
            HttpClient from = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .localAddress(InetAddress.getByName("127.0.0." + host)).build();
            Map<String, Integer> seen = send(from, 10, "/");
            assertThat(seen).as("client 127.0.0.%d", host).hasSize(1);
            used.addAll(seen.keySet());
        }
        assertThat(used).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void leastConnAvoidsTheBusyServer() throws Exception {
        startGateway("least-conn", a.address(), b.address());
        // Ten slow requests in flight: least-conn splits them, five each.
        List<CompletableFuture<HttpResponse<String>>> slow = IntStream.range(0, 10)
                .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(gateway.uri("/delay/30000")).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        org.awaitility.Awaitility.await().until(() -> a.requests("/delay/30000") + b.requests("/delay/30000") == 10);
        assertThat(a.requests("/delay/30000")).isEqualTo(5);
        // With both equally busy, quick requests still alternate.
        Map<String, Integer> seen = send(client, 20, "/");
        assertThat(seen.get("a")).isBetween(8, 12);
        slow.forEach(f -> f.cancel(true));
    }

    @Test
    void leastConnSendsToTheIdleServer() throws Exception {
        startGateway("least-conn", a.address(), b.address());
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(
                HttpRequest.newBuilder(gateway.uri("/delay/30000")).build(), HttpResponse.BodyHandlers.ofString());
        org.awaitility.Awaitility.await().until(() -> a.requests() + b.requests() == 1);
        TestBackend busy = a.requests() == 1 ? a : b;
        TestBackend idle = busy == a ? b : a;
        // One request in flight on the busy server: every sequential request goes to the idle one.
        Map<String, Integer> seen = send(client, 10, "/");
        assertThat(seen).containsOnlyKeys(idle.name());
        first.cancel(true);
    }

    @Test
    void randomTwoSpreadsLoad() throws Exception {
        startGateway("random-two", a.address(), b.address(), c.address());
        Map<String, Integer> seen = send(client, 600, "/");
        assertThat(seen).containsOnlyKeys("a", "b", "c");
        seen.values().forEach(count -> assertThat(count).isBetween(120, 280));
    }
}
