package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code access-log: FILE}: one line per request, appended by the log's own writer thread, with time, client,
 * method, path, status, body bytes, upstream server, upstream time and total time.
 */
class AccessLogFileTest {

    /** The nine fields; the two times are seconds with three decimals, or "-" where there was no upstream. */
    private static final Pattern LINE = Pattern.compile(
            "(\\S+) (\\S+) (\\S+) (\\S+) (\\d{3}) (\\d+) (\\S+) (-|\\d+\\.\\d{3}) (\\d+\\.\\d{3})");

    @TempDir
    Path dir;

    private TinyBackend backend;
    private Path accessLog;
    private RunningServer lintas;

    @BeforeEach
    void start() throws Exception {
        backend = TinyBackend.named("hello");
        accessLog = dir.resolve("access.log");
        lintas = RunningServer.start(dir.resolve("lintas.yaml"), """
                admin:
                  listen: 127.0.0.1:0
                gateway:
                  access-log: %s
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                  routes:
                    - path: /app
                      upstream: app
                  upstreams:
                    app:
                      servers: [%s]
                """.formatted(accessLog, backend.address()));
    }

    @AfterEach
    void stop() {
        lintas.close();
        backend.close();
    }

    private List<String> awaitLines(int count) {
        return await().atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(accessLog) ? Files.readAllLines(accessLog) : List.of(),
                        lines -> lines.size() >= count);
    }

    private static Matcher fields(String line) {
        Matcher matcher = LINE.matcher(line);
        assertThat(matcher.matches()).as("access log line '%s'", line).isTrue();
        return matcher;
    }

    @Test
    void threeRequestsAreThreeLinesWithEveryField() throws IOException, InterruptedException {
        Instant before = Instant.now().minusSeconds(1);
        assertThat(lintas.gateway("/app/one").statusCode()).isEqualTo(200);
        assertThat(lintas.gateway("/app/two").statusCode()).isEqualTo(200);
        assertThat(lintas.gateway("/elsewhere").statusCode()).isEqualTo(404);

        List<String> lines = awaitLines(3);

        assertThat(lines).hasSize(3);
        Matcher one = fields(lines.get(0));
        assertThat(Instant.parse(one.group(1))).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        assertThat(one.group(2)).as("client").isEqualTo("127.0.0.1");
        assertThat(one.group(3)).as("method").isEqualTo("GET");
        assertThat(one.group(4)).as("path").isEqualTo("/app/one");
        assertThat(one.group(5)).as("status").isEqualTo("200");
        assertThat(one.group(6)).as("body bytes").isEqualTo(String.valueOf("hello".length()));
        assertThat(one.group(7)).as("upstream server").isEqualTo(backend.address());
        assertThat(one.group(8)).as("upstream time").isNotEqualTo("-");

        Matcher two = fields(lines.get(1));
        assertThat(two.group(4)).isEqualTo("/app/two");
        assertThat(two.group(7)).isEqualTo(backend.address());

        Matcher unrouted = fields(lines.get(2));
        assertThat(unrouted.group(4)).isEqualTo("/elsewhere");
        assertThat(unrouted.group(5)).isEqualTo("404");
        assertThat(Long.parseLong(unrouted.group(6))).as("the 404's own body").isPositive();
        assertThat(unrouted.group(7)).as("no upstream server").isEqualTo("-");
        assertThat(unrouted.group(8)).as("no upstream time").isEqualTo("-");
    }

    @Test
    void linesWrittenBeforeTheStopAreAllInTheFile() throws IOException, InterruptedException {
        for (int i = 0; i < 5; i++) {
            assertThat(lintas.gateway("/app/" + i).statusCode()).isEqualTo(200);
        }

        lintas.close();

        assertThat(Files.readAllLines(accessLog)).hasSize(5)
                .allSatisfy(line -> assertThat(fields(line).group(5)).isEqualTo("200"));
    }
}
