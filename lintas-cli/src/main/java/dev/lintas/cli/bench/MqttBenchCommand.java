package dev.lintas.cli.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

import dev.lintas.runtime.config.Durations;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lintas bench mqtt}: an MQTT load generator in the spirit of {@code emqtt_bench} and {@code nats bench}.
 * Every option is checked before anything connects, and every problem is reported together.
 */
@Command(name = "mqtt", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load an MQTT broker: publishers and subscribers on connections of their own, publishing at a "
                + "set rate or flat out; prints msgs/s and publish-to-receive latency percentiles.",
            "It waits for every SUBACK before publishing. Latency comes from a send time in each payload, so "
                + "publishers and subscribers run in this one process.",
            "Exit status: 0 after a run, 1 when a connection failed, 2 for bad options."})
public final class MqttBenchCommand implements Callable<Integer> {

    /** The longest a run limited by --count alone may measure. */
    static final Duration COUNT_TIME_LIMIT = Duration.ofMinutes(10);
    static final int MAX_CONNECTIONS = 100_000;
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "broker host (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "1883", description = "broker port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--mqtt-version", defaultValue = "3.1.1", paramLabel = "3.1.1|5",
            description = "protocol version (default: ${DEFAULT-VALUE})")
    String version;

    @Option(names = {"-q", "--qos"}, defaultValue = "0", paramLabel = "0|1|2",
            description = "QoS of publishes and subscriptions (default: ${DEFAULT-VALUE})")
    int qos;

    @Option(names = "--publishers", defaultValue = "1", paramLabel = "N",
            description = "publishing connections (default: ${DEFAULT-VALUE})")
    int publishers;

    @Option(names = "--subscribers", defaultValue = "1", paramLabel = "N",
            description = "subscribing connections (default: ${DEFAULT-VALUE})")
    int subscribers;

    @Option(names = "--topics", defaultValue = "per-publisher", paramLabel = "per-publisher|shared",
            description = {"per-publisher: publisher i publishes to TOPIC/i and subscriber j subscribes to "
                + "TOPIC/(j mod publishers), so N publishers and N subscribers are N pairs, and one publisher fans "
                + "out to all; shared: everyone uses TOPIC, for N-to-1 fan-in (default: ${DEFAULT-VALUE})"})
    String layout;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "topic, or prefix of the per-publisher topics (default: lintas-bench/RUN-ID)")
    String topic;

    @Option(names = {"-s", "--size"}, defaultValue = "64", paramLabel = "BYTES",
            description = "payload size, at least " + BenchPayload.HEADER_BYTES + " (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = {"-r", "--rate"}, defaultValue = "0", paramLabel = "MSGS/S",
            description = "messages per second per publisher; 0 is flat out (default: ${DEFAULT-VALUE})")
    long rate;

    @Option(names = "--inflight", defaultValue = "64", paramLabel = "N",
            description = "unacknowledged QoS 1/2 publishes per publisher, capped by a v5 server's Receive Maximum "
                + "(default: ${DEFAULT-VALUE})")
    int inflight;

    @Option(names = {"-w", "--warmup"}, defaultValue = "2s", paramLabel = "TIME",
            description = "unmeasured publishing first, e.g. 500ms, 5s (default: ${DEFAULT-VALUE})")
    String warmup;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME",
            description = "measured time (default: 10s; with --count, the most a run may take, default 10m)")
    String duration;

    @Option(names = {"-n", "--count"}, defaultValue = "0", paramLabel = "N",
            description = "measured messages per publisher; the run stops when all are sent")
    long count;

    @Option(names = "--threads", paramLabel = "N", description = "event loops for the subscribers, and as many again for the publishers (default: one per core)")
    Integer threads;

    @Option(names = "--connect-timeout", defaultValue = "10s", paramLabel = "TIME",
            description = "for all connections to be up and subscribed (default: ${DEFAULT-VALUE})")
    String connectTimeout;

    @Option(names = "--drain-timeout", defaultValue = "10s", paramLabel = "TIME",
            description = "after the last publish, for acknowledgements and deliveries in flight "
                + "(default: ${DEFAULT-VALUE})")
    String drainTimeout;

    @Option(names = "--persistent-sessions",
            description = "subscribers connect with persistent sessions (clean session off; v5: session expiry "
                + MqttBenchPlan.PERSISTENT_SESSION_EXPIRY + " s), so that a durable broker stores their messages")
    boolean persistentSessions;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|tsv",
            description = "text, or one line of tab-separated name=value fields (default: ${DEFAULT-VALUE})")
    String format;

    @Override
    public Integer call() throws InterruptedException {
        MqttBenchPlan plan = plan();
        MqttBenchResult result = new MqttBench(plan).run();
        PrintWriter out = spec.commandLine().getOut();
        if ("tsv".equals(format)) {
            result.printTsv(out);
            PrintWriter err = spec.commandLine().getErr();
            result.errors().forEach(e -> err.println("lintas bench mqtt: " + e));
            err.flush();
        } else {
            result.printText(out);
        }
        return result.errors().isEmpty() ? 0 : 1;
    }

    /** The plan the options describe; a {@link CommandLine.ParameterException} lists every problem. */
    MqttBenchPlan plan() {
        List<String> problems = new ArrayList<>();
        MqttVersion mqttVersion = switch (version) {
            case "3.1.1", "3", "4" -> MqttVersion.MQTT_3_1_1;
            case "5", "5.0" -> MqttVersion.MQTT_5;
            default -> {
                problems.add("--mqtt-version: " + version + " (expected: 3.1.1 or 5)");
                yield null;
            }
        };
        if (port < 1 || port > 65_535) {
            problems.add("--port: " + port + " (expected: 1 to 65535)");
        }
        if (qos < 0 || qos > 2) {
            problems.add("--qos: " + qos + " (expected: 0, 1 or 2)");
        }
        if (publishers < 1 || publishers > MAX_CONNECTIONS) {
            problems.add("--publishers: " + publishers + " (expected: 1 to " + MAX_CONNECTIONS + ")");
        }
        if (subscribers < 0 || subscribers > MAX_CONNECTIONS) {
            problems.add("--subscribers: " + subscribers + " (expected: 0 to " + MAX_CONNECTIONS + ")");
        }
        TopicLayout topicLayout = TopicLayout.parse(layout);
        if (topicLayout == null) {
            problems.add("--topics: " + layout + " (expected: per-publisher or shared)");
        }
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String topicName = topic != null ? topic : "lintas-bench/" + runId;
        if (topicName.isEmpty() || topicName.contains("+") || topicName.contains("#")
                || topicName.indexOf('\0') >= 0) {
            problems.add("--topic: '" + topicName + "' (expected: a topic name, without + # or NUL)");
        }
        if (size < BenchPayload.HEADER_BYTES || size > MAX_PAYLOAD) {
            problems.add("--size: " + size + " (expected: " + BenchPayload.HEADER_BYTES + " to " + MAX_PAYLOAD
                    + " bytes; the first " + BenchPayload.HEADER_BYTES + " hold the sequence and send time)");
        }
        if (rate < 0 || rate > 100_000_000) {
            problems.add("--rate: " + rate + " (expected: 0 for flat out, or up to 100000000 msgs/s)");
        }
        if (inflight < 1 || inflight > 65_535) {
            problems.add("--inflight: " + inflight + " (expected: 1 to 65535)");
        }
        if (count < 0) {
            problems.add("--count: " + count + " (expected: >= 0)");
        }
        int loops = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (loops < 1 || loops > 1024) {
            problems.add("--threads: " + loops + " (expected: 1 to 1024)");
        }
        Duration warm = duration("--warmup", warmup, true, problems);
        Duration measured = duration != null ? duration("--duration", duration, false, problems)
                : count > 0 ? COUNT_TIME_LIMIT : Duration.ofSeconds(10);
        Duration connect = duration("--connect-timeout", connectTimeout, false, problems);
        Duration drain = duration("--drain-timeout", drainTimeout, false, problems);
        if (!format.equals("text") && !format.equals("tsv")) {
            problems.add("--format: " + format + " (expected: text or tsv)");
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("\n", problems));
        }
        return new MqttBenchPlan(host, port, mqttVersion, MqttQoS.valueOf(qos), publishers, subscribers, topicLayout,
                topicName, size, rate, inflight, warm, measured, count, loops, connect, drain, runId,
                persistentSessions);
    }

    private static Duration duration(String option, String text, boolean zeroAllowed, List<String> problems) {
        Duration d = Durations.parse(text);
        if (d == null || d.isNegative() || !zeroAllowed && d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
            problems.add(option + ": " + text + " (expected: a whole number with ms, s, m or h, e.g. 500ms or 10s; "
                    + (zeroAllowed ? "0 or more" : "more than 0") + ", at most 1 day)");
            return Duration.ZERO;
        }
        return d;
    }
}
