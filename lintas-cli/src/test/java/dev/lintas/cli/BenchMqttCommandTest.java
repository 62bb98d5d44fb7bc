package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * {@code lintas bench mqtt} run in this JVM against a real Lintas broker on port 0, for a fixed message count, so
 * that the counts are exact: every subscriber gets every message at QoS 1, and nothing is lost or duplicated.
 */
class BenchMqttCommandTest {

    @TempDir
    static Path dir;

    private static RunningServer lintas;
    private static int port;

    @BeforeAll
    static void startBroker() throws Exception {
        lintas = RunningServer.start(dir.resolve("lintas.yaml"), """
                broker:
                  data-dir: %s
                  mqtt:
                    listen: 127.0.0.1:0
                """.formatted(dir.resolve("data")));
        port = lintas.server().mqttAddress().getPort();
    }

    @AfterAll
    static void stopBroker() {
        if (lintas != null) {
            lintas.close();
        }
    }

    /** The outcome of one command line. */
    private record Run(int exitCode, String out, String err) {

        /** The fields of the one tsv line. */
        Map<String, String> tsv() {
            List<String> lines = out.lines().toList();
            assertThat(lines).as("stdout: %s, stderr: %s", out, err).hasSize(1);
            Map<String, String> fields = new HashMap<>();
            for (String field : lines.get(0).split("\t")) {
                String[] nameValue = field.split("=", 2);
                fields.put(nameValue[0], nameValue[1]);
            }
            return fields;
        }

        long number(String name) {
            return Long.parseLong(tsv().get(name));
        }
    }

    private static Run bench(String... options) {
        return benchAt(port, options);
    }

    private static Run benchAt(int port, String... options) {
        List<String> args = new ArrayList<>(List.of("bench", "mqtt", "--port", String.valueOf(port), "--threads",
                "2", "--drain-timeout", "20s"));
        args.addAll(List.of(options));
        if (!args.contains("--warmup")) {
            args.addAll(List.of("--warmup", "0"));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Lintas()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertComplete(Run run, long sent, long received) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, String> tsv = run.tsv();
        assertThat(Long.parseLong(tsv.get("sent"))).isEqualTo(sent);
        assertThat(Long.parseLong(tsv.get("expected"))).isEqualTo(received);
        assertThat(Long.parseLong(tsv.get("received"))).isEqualTo(received);
        assertThat(tsv).containsEntry("lost", "0").containsEntry("duplicates", "0").containsEntry("unacked", "0")
                .containsEntry("errors", "0");
        assertThat(Double.parseDouble(tsv.get("received_per_s"))).isPositive();
        assertThat(Double.parseDouble(tsv.get("p50_us"))).isPositive();
        assertThat(Double.parseDouble(tsv.get("max_us"))).isGreaterThanOrEqualTo(Double.parseDouble(tsv.get("p99_us")));
    }

    @Test
    void oneToOneAtQos0() {
        // A modest rate, since QoS 0 may be dropped by a broker under pressure, and this test wants exact counts.
        Run run = bench("--qos", "0", "--count", "2000", "--rate", "20000", "--format", "tsv");

        assertComplete(run, 2000, 2000);
    }

    @Test
    void oneToOneAtQos1FlatOut() {
        Run run = bench("--qos", "1", "--count", "5000", "--inflight", "32", "--format", "tsv");

        assertComplete(run, 5000, 5000);
    }

    @Test
    void oneToOneAtQos1OverMqtt5WithKilobytePayloads() {
        Run run = bench("--mqtt-version", "5", "--qos", "1", "--count", "2000", "--size", "1024", "--format", "tsv");

        assertComplete(run, 2000, 2000);
    }

    @Test
    void persistentSessionsOnTheDurableStoreDeliverEveryMessage() {
        Run run = bench("--qos", "1", "--persistent-sessions", "--publishers", "2", "--subscribers", "2", "--count",
                "1000", "--format", "tsv");

        assertComplete(run, 2 * 1000, 2 * 1000);
        // Clean sessions keep nothing on disk; these sessions and their messages are in the store's log.
        try (Stream<Path> segments = Files.list(dir.resolve("data").resolve("store"))) {
            assertThat(segments.mapToLong(file -> file.toFile().length()).sum()).isPositive();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void fanOutDeliversEveryMessageToEverySubscriberAtQos1() {
        Run run = bench("--qos", "1", "--publishers", "1", "--subscribers", "20", "--count", "500", "--format",
                "tsv");

        assertComplete(run, 500, 20 * 500);
    }

    @Test
    void fanInOnOneSharedTopicAtQos1() {
        Run run = bench("--qos", "1", "--publishers", "20", "--subscribers", "1", "--topics", "shared", "--count",
                "200", "--format", "tsv");

        assertComplete(run, 20 * 200, 20 * 200);
    }

    @Test
    void perPublisherTopicsPairPublishersWithSubscribers() {
        // Three pairs: each subscriber gets only its own publisher's messages.
        Run run = bench("--qos", "1", "--publishers", "3", "--subscribers", "3", "--count", "300", "--format", "tsv");

        assertComplete(run, 900, 900);
    }

    @Test
    void aTimedRunAtASetRateCountsOnlyTheMeasuredPhaseAndDeliversItAll() {
        Run run = bench("--qos", "1", "--rate", "2000", "--warmup", "300ms", "--duration", "1s", "--format", "tsv");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, String> tsv = run.tsv();
        long sent = Long.parseLong(tsv.get("sent"));
        assertThat(sent).isPositive();
        assertThat(tsv).containsEntry("expected", String.valueOf(sent)).containsEntry("received", String.valueOf(sent))
                .containsEntry("lost", "0").containsEntry("duplicates", "0").containsEntry("errors", "0");
        assertThat(Long.parseLong(tsv.get("delivered"))).isPositive();
    }

    @Test
    void textReportShowsRatesLatencyAndCounts() {
        Run run = bench("--qos", "1", "--count", "500", "--topic", "bench/text");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("lintas bench mqtt: 127.0.0.1:" + port + ", MQTT 3.1.1, QoS 1, 1 publisher(s) -> 1 "
                        + "subscriber(s), one topic per publisher under bench/text/")
                .containsPattern("sent +500 msgs in [0-9.]+ s = [0-9,]+ msgs/s")
                .contains("received  500 msgs").contains("arrived   500 of 500 measured msgs: lost 0")
                .contains("duplicates 0")
                .containsPattern("latency +p50 [0-9.]+ ms +p90 [0-9.]+ ms +p99 [0-9.]+ ms +p99.9 [0-9.]+ ms +max");
    }

    @Test
    void badOptionsAreAllReportedWithWhatIsExpected() {
        Run run = bench("--qos", "3", "--size", "8", "--topics", "ring", "--mqtt-version", "3.1", "--duration", "ten",
                "--publishers", "0", "--topic", "a/+/b");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .contains("--qos: 3 (expected: 0, 1 or 2)")
                .contains("--size: 8 (expected: 21 to")
                .contains("--topics: ring (expected: per-publisher or shared)")
                .contains("--mqtt-version: 3.1 (expected: 3.1.1 or 5)")
                .contains("--duration: ten (expected: a whole number with ms, s, m or h")
                .contains("--publishers: 0 (expected: 1 to 100000)")
                .contains("--topic: 'a/+/b' (expected: a topic name, without + # or NUL)");
    }

    @Test
    void anOptionThatIsNotANumberIsRefusedByName() {
        Run run = bench("--rate", "fast");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--rate").contains("fast");
    }

    @Test
    void aServerThatRefusesConnectIsAnErrorNamingTheClientAndTheReturnCode() throws Exception {
        // A stand-in server that answers every connection with CONNACK 0x05, not authorized (MQTT 3.1.1 3.2.2.3).
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread refuser = Thread.ofVirtual().start(() -> {
                try (Socket socket = server.accept()) {
                    socket.getOutputStream().write(new byte[] {0x20, 0x02, 0x00, 0x05});
                    socket.getInputStream().readAllBytes();   // until the client closes
                } catch (IOException e) {
                    // the test checks what the client reported
                }
            });

            Run run = benchAt(server.getLocalPort(), "--count", "10", "--connect-timeout", "5s");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).contains("errors:").contains("only 0 of 1 subscriber(s) subscribed within 5000 ms")
                    .contains("the server refused CONNECT: CONNECTION_REFUSED_NOT_AUTHORIZED (0x5)");
            refuser.join(java.time.Duration.ofSeconds(10));
        }
    }
}
