package dev.lintas.runtime.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.lintas.runtime.RuntimeContext;
import dev.lintas.runtime.config.Position;
import dev.lintas.runtime.net.HostPort;
import dev.lintas.runtime.net.Listeners;

/**
 * The admin listener on port 0, with listeners registered beside it by hand, as the gateway and the broker
 * register theirs: {@code /health} follows them, {@code POST /reload} answers with what the reload did.
 */
class AdminServerTest {

    private final RuntimeContext context = new RuntimeContext(1);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicReference<CompletableFuture<String>> nextReload = new AtomicReference<>(
            CompletableFuture.completedFuture("reloaded"));
    private final AdminServer admin = new AdminServer(context, nextReload::get);
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        address = admin.start(new AdminConfig(new HostPort("127.0.0.1", 0), new Position("test.yaml", 1, 1)))
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        admin.stop();
        context.close();
        client.close();
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void adminListenerRegistersItselfAsUp() {
        assertThat(context.listeners().address("admin")).isEqualTo(address);
        assertThat(context.listeners().allUp()).isTrue();
    }

    @Test
    void healthIs200WhileEveryListenerIsUp() throws Exception {
        Listeners.Entry web = context.listeners().add("gateway web");
        web.up(new InetSocketAddress("127.0.0.1", 1));

        HttpResponse<String> response = send("GET", "/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    @Test
    void healthIs503AndNamesTheListenersNotYetUp() throws Exception {
        context.listeners().add("gateway web");
        context.listeners().add("broker mqtt");

        HttpResponse<String> response = send("GET", "/health");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("unavailable: gateway web broker mqtt\n");
    }

    @Test
    void healthFollowsAListenerThatGoesDownAndComesBack() throws Exception {
        Listeners.Entry web = context.listeners().add("gateway web");
        web.up(new InetSocketAddress("127.0.0.1", 1));
        assertThat(send("GET", "/health").statusCode()).isEqualTo(200);

        web.down();
        HttpResponse<String> down = send("GET", "/health");
        web.up(new InetSocketAddress("127.0.0.1", 1));
        HttpResponse<String> back = send("GET", "/health");

        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("unavailable: gateway web\n");
        assertThat(back.statusCode()).isEqualTo(200);
    }

    @Test
    void aRemovedListenerNoLongerCounts() throws Exception {
        Listeners.Entry web = context.listeners().add("gateway web");
        assertThat(send("GET", "/health").statusCode()).isEqualTo(503);

        context.listeners().remove(web);

        assertThat(send("GET", "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void headAndAQueryStringAreAnsweredLikeGet() throws Exception {
        assertThat(send("HEAD", "/health").statusCode()).isEqualTo(200);
        HttpResponse<String> withQuery = send("GET", "/health?verbose=1");
        assertThat(withQuery.statusCode()).isEqualTo(200);
        assertThat(withQuery.body()).isEqualTo("ok\n");
    }

    @Test
    void metricsIsTheRegistryInPrometheusText() throws Exception {
        context.metrics().counter("lintas.test.events", "kind", "probe").increment(3);

        HttpResponse<String> response = send("GET", "/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("lintas_test_events_total{kind=\"probe\"} 3.0");
    }

    @Test
    void reloadAnswers200WithWhatItDid() throws Exception {
        nextReload.set(CompletableFuture.completedFuture("reloaded lintas.yaml"));

        HttpResponse<String> response = send("POST", "/reload");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("reloaded lintas.yaml\n");
    }

    @Test
    void refusedReloadIs422WithTheReason() throws Exception {
        // The CLI runs reloads with supplyAsync, so the failure arrives wrapped in a CompletionException.
        nextReload.set(CompletableFuture.supplyAsync(() -> {
            throw new IllegalArgumentException("reload refused, the running config stays:\nlintas.yaml:3:5: bad");
        }));

        HttpResponse<String> response = send("POST", "/reload");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("reload refused, the running config stays:\nlintas.yaml:3:5: bad\n");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws Exception {
        HttpResponse<String> unknown = send("GET", "/");
        HttpResponse<String> postHealth = send("POST", "/health");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(postHealth.statusCode()).isEqualTo(405);
        assertThat(postHealth.headers().firstValue("allow")).hasValue("GET");
    }

    @Test
    void stopTakesTheAdminListenerOutOfTheRegistry() {
        admin.stop();

        assertThat(context.listeners().address("admin")).isNull();
        assertThat(context.listeners().all()).isEmpty();
    }
}
