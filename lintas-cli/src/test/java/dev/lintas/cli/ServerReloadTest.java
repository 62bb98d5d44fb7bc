package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lintas.cli.KeepAliveConnection.Response;

/** Reloads of a whole Lintas in this JVM that change its parts: listeners added, the gateway turned off and on. */
class ServerReloadTest {

    private static final String ADMIN = """
            admin:
              listen: 127.0.0.1:0
            """;

    @TempDir
    Path dir;

    private Path file;
    private TinyBackend first;
    private TinyBackend second;
    private RunningServer lintas;

    @BeforeEach
    void start() throws Exception {
        first = TinyBackend.named("first");
        second = TinyBackend.named("second");
        file = dir.resolve("lintas.yaml");
        lintas = RunningServer.start(file, withGateway("first", ""));
    }

    @AfterEach
    void stop() {
        lintas.close();
        first.close();
        second.close();
    }

    /** Admin, a gateway whose every path goes to {@code upstream}, and {@code moreListeners} after 'web'. */
    private String withGateway(String upstream, String moreListeners) {
        return ADMIN + """
                gateway:
                  access-log: off
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                %s  routes:
                    - path: /
                      upstream: %s
                  upstreams:
                    first:
                      servers: [%s]
                    second:
                      servers: [%s]
                """.formatted(moreListeners, upstream, first.address(), second.address());
    }

    private String reload(String yaml) throws Exception {
        Files.writeString(file, yaml);
        return lintas.server().reload().handle((ok, failure) -> ok != null ? ok : "failed: " + failure.getMessage())
                .get(30, TimeUnit.SECONDS);
    }

    private static double gauge(String scrape, String series) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertThat(matcher.find()).as("series %s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    @Test
    void addedListenerIsBoundAndServesTheSameRoutes() throws Exception {
        String result = reload(withGateway("first", """
                    - name: api
                      listen: 127.0.0.1:0
                """));

        assertThat(result).isEqualTo("reloaded " + file);
        InetSocketAddress api = lintas.server().gatewayAddress("api");
        assertThat(api).isNotNull();
        try (KeepAliveConnection connection = new KeepAliveConnection(api.getPort())) {
            assertThat(connection.get("/")).isEqualTo(new Response(200, "first"));
        }
        assertThat(lintas.admin("GET", "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void removedListenerIsClosed() throws Exception {
        reload(withGateway("first", """
                    - name: api
                      listen: 127.0.0.1:0
                """));
        assertThat(lintas.server().gatewayAddress("api")).isNotNull();

        assertThat(reload(withGateway("first", ""))).isEqualTo("reloaded " + file);

        assertThat(lintas.server().gatewayAddress("api")).isNull();
        assertThat(lintas.server().gatewayAddress("web")).isNotNull();
    }

    /**
     * A listener that cannot bind makes the reload fail. A failed reload should leave the running config as it was:
     * the caller is told it failed, so it must not find half of the new file applied.
     */
    @Test
    void reloadThatFailsToBindLeavesTheRoutesAsTheyWere() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String result = reload(withGateway("second", """
                        - name: api
                          listen: 127.0.0.1:%d
                    """.formatted(taken.getLocalPort())));

            assertThat(result).startsWith("failed: ").contains("cannot bind");
            HttpResponse<String> response = lintas.gateway("/");
            assertThat(response.body()).as("the route after a reload that was reported as failed")
                    .isEqualTo("first");
        }
    }

    @Test
    void gatewayTurnedOffAndOnAgainCountsItsConnections() throws Exception {
        assertThat(reload(ADMIN)).isEqualTo("reloaded " + file);
        assertThat(lintas.server().gatewayAddress("web")).isNull();
        assertThat(reload(withGateway("second", ""))).isEqualTo("reloaded " + file);
        InetSocketAddress web = lintas.server().gatewayAddress("web");
        assertThat(web).isNotNull();

        try (KeepAliveConnection connection = new KeepAliveConnection(web.getPort())) {
            assertThat(connection.get("/")).isEqualTo(new Response(200, "second"));

            String scrape = lintas.admin("GET", "/metrics").body();
            assertThat(gauge(scrape, "lintas_gateway_downstream_connections"))
                    .as("the open connection, on the gateway started by the second reload").isEqualTo(1.0);
        }
    }

    /**
     * An upstream whose servers change is built anew while the old one still holds its meters, and the old one is
     * closed afterwards, removing meters by name and tags: the new upstream's series must survive that.
     */
    @Test
    void upstreamChangedByReloadKeepsItsMeters() throws Exception {
        String both = withGateway("first", "").replace("servers: [" + first.address() + "]",
                "servers: [" + first.address() + ", " + second.address() + "]");
        assertThat(reload(both)).isEqualTo("reloaded " + file);
        assertThat(lintas.gateway("/").statusCode()).isEqualTo(200);

        String scrape = lintas.admin("GET", "/metrics").body();

        assertThat(scrape).contains("lintas_gateway_upstream_server_up{backup=\"false\",server=\"" + second.address()
                + "\",upstream=\"first\"}");
        assertThat(scrape).as("the server kept across the reload").contains(
                "lintas_gateway_upstream_server_up{backup=\"false\",server=\"" + first.address()
                        + "\",upstream=\"first\"}");
        assertThat(scrape).contains("lintas_gateway_upstream_connections{upstream=\"first\"}")
                .contains("lintas_gateway_upstream_retries_total{upstream=\"first\"}")
                .contains("lintas_gateway_upstream_failovers_total{upstream=\"first\"}");
    }
}
