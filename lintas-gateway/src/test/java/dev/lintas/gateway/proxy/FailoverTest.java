package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.TestBackend;
import dev.lintas.gateway.testing.TestBackends;

/**
 * The failover promise: when one upstream dies while another is up, no idempotent request fails.
 */
class FailoverTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @AutoClose
    private final TestBackends backends = new TestBackends();
    @AutoClose
    private GatewayUnderTest gateway;

    private int status(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(gateway.uri(path)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private String body(String path) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gateway.uri(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void noIdempotentRequestFailsWhenABackendDiesUnderLoad() throws Exception {
        TestBackend a = backends.start("a");
        TestBackend b = backends.start("b");
        gateway = GatewayUnderTest.proxying("""
                max-fails: 1
                fail-timeout: 60s
                health-check:
                  path: /health
                  interval: 100ms
                  timeout: 1s
                  rise: 2
                  fall: 2
                """, a.address(), b.address());

        int threads = 6;
        int perThread = 400;
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch halfway = new CountDownLatch(threads * perThread / 4);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> load = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            load.add(pool.submit(() -> {
                HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                for (int i = 0; i < perThread; i++) {
                    try {
                        // A slow path keeps requests in flight on b when it dies.
                        String path = i % 10 == 0 ? "/delay/20" : "/";
                        HttpResponse<String> response = own.send(HttpRequest.newBuilder(gateway.uri(path))
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                    done.incrementAndGet();
                    halfway.countDown();
                }
            }));
        }
        assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
        b.kill();
        for (Future<?> f : load) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(failures).as("failed requests").isEmpty();
        assertThat(done.get()).isEqualTo(threads * perThread);

        // b is out: requests go to a only, without even trying b.
        await().until(() -> gateway.metrics().contains(
                "lintas_gateway_upstream_server_up{backup=\"false\",server=\"" + b.address() + "\",upstream=\"app\"} 0.0"));
        int before = a.requests("/");
        for (int i = 0; i < 50; i++) {
            assertThat(body("/")).isEqualTo("a");
        }
        assertThat(a.requests("/") - before).isEqualTo(50);
        assertThat(gateway.metrics()).contains("lintas_gateway_upstream_failovers_total{upstream=\"app\"}");

        // b comes back: the active check sees it, and it gets traffic again, although its passive timeout is 60s.
        b.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            status("/");
            return b.requests("/") > 0;
        });
    }

    @Test
    void backupTakesOverWhenEveryPrimaryIsDownAndHandsBack() throws Exception {
        TestBackend primary = backends.start("primary");
        TestBackend backup = backends.start("backup");
        gateway = GatewayUnderTest.proxying("""
                health-check:
                  path: /health
                  interval: 100ms
                  rise: 1
                  fall: 1
                """, primary.address(), "{address: %s, backup: true}".formatted(backup.address()));
        for (int i = 0; i < 20; i++) {
            assertThat(body("/")).isEqualTo("primary");
        }
        assertThat(backup.requests("/")).isZero();

        primary.kill();
        for (int i = 0; i < 20; i++) {
            assertThat(body("/")).isEqualTo("backup");
        }

        primary.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> body("/").equals("primary"));
        int backupBefore = backup.requests("/");
        for (int i = 0; i < 20; i++) {
            assertThat(body("/")).isEqualTo("primary");
        }
        assertThat(backup.requests("/")).isEqualTo(backupBefore);
    }

    @Test
    void everyServerDownAnswers503WithRetryAfter() throws Exception {
        TestBackend only = backends.start("only");
        gateway = GatewayUnderTest.proxying("fail-timeout: 60s", only.address());
        only.kill();
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(gateway.uri("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(502);
        HttpResponse<String> second = client.send(HttpRequest.newBuilder(gateway.uri("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.headers().firstValue("retry-after")).isPresent();
        assertThat(second.body()).contains("no server of upstream 'app' is available");
    }
}
