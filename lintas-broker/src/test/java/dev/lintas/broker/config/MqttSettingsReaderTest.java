package dev.lintas.broker.config;

import dev.lintas.broker.mqtt.MqttSettings;
import dev.lintas.broker.mqtt.QueueOverflow;
import dev.lintas.runtime.config.ConfigProblem;
import dev.lintas.runtime.config.Position;
import dev.lintas.runtime.config.Problems;
import dev.lintas.runtime.config.YamlLoader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The limits under {@code broker.mqtt}: read into {@link MqttSettings}, defaults when absent, bad values reported. */
class MqttSettingsReaderTest {

    private static final String FILE = "lintas.yaml";

    private final Problems problems = new Problems();

    private BrokerConfig read(String yaml) {
        return BrokerConfigReader.read(YamlLoader.parse(FILE, yaml, problems).map("a mapping", "broker")
                .get("broker").orElseThrow());
    }

    private static ConfigProblem problem(int line, int column, String message) {
        return new ConfigProblem(new Position(FILE, line, column), message);
    }

    @Test
    void absentKeysTakeTheDefaults() {
        BrokerConfig config = read("""
                broker:
                  mqtt:
                    listen: 127.0.0.1:1883
                """);

        assertThat(problems.sorted()).isEmpty();
        assertThat(config.mqttSettings()).isEqualTo(MqttSettings.DEFAULTS);
        assertThat(MqttSettings.DEFAULTS.maxPacketSize()).isEqualTo(1024 * 1024);
        assertThat(MqttSettings.DEFAULTS.maxQueuedMessages()).isEqualTo(100_000);
        assertThat(MqttSettings.DEFAULTS.queueOverflow()).isEqualTo(QueueOverflow.DROP_OLDEST);
        assertThat(MqttSettings.DEFAULTS.maxQueuedBytes()).isEqualTo(-1);
    }

    @Test
    void everyLimitIsRead() {
        BrokerConfig config = read("""
                broker:
                  mqtt:
                    listen: 127.0.0.1:1883
                    max-packet-size: 64KiB
                    max-connections: 500
                    max-topic-length: 200
                    max-topic-levels: 8
                    max-subscriptions-per-client: 20
                    max-inflight: 100
                    max-queued-messages: 2000
                    max-queued-bytes: 8MiB
                    queue-overflow: reject-new
                    connect-timeout: 3s
                    receive-maximum: 300
                    topic-alias-maximum: 0
                    max-keep-alive: 10m
                    response-information: responses/${client-id}/
                """);

        assertThat(problems.sorted()).isEmpty();
        assertThat(config.mqttSettings()).isEqualTo(new MqttSettings(64 * 1024, Duration.ofSeconds(3), 2000, 100,
                8L << 20, QueueOverflow.REJECT_NEW, 500, 200, 8, 20, 300, 0, 600, "responses/${client-id}/"));
    }

    @Test
    void unlimitedQueuedBytesIsNoByteBound() {
        BrokerConfig config = read("""
                broker:
                  mqtt:
                    max-queued-bytes: unlimited
                """);

        assertThat(problems.sorted()).isEmpty();
        assertThat(config.mqttSettings().maxQueuedBytes()).isEqualTo(-1);
    }

    @Test
    void badValuesAreReportedWhereTheyWereWrittenAndAllTogether() {
        read("""
                broker:
                  mqtt:
                    max-packet-size: 1GiB
                    max-connections: 0
                    max-topic-length: 70000
                    max-topic-levels: many
                    max-subscriptions-per-client: -1
                    max-inflight: 65536
                    max-queued-messages: 0
                    max-queued-bytes: 0
                    queue-overflow: drop-newest
                    connect-timeout: 0
                    max-inflite: 5
                """);

        List<ConfigProblem> found = problems.sorted();
        assertThat(found).containsExactly(
                problem(3, 22, "max-packet-size: '1GiB' (expected 16 bytes to 256MiB, the most MQTT can express)"),
                problem(4, 22, "max-connections: '0' (expected a whole number >= 1)"),
                problem(5, 23, "max-topic-length: '70000' (expected a whole number from 1 to 65535)"),
                problem(6, 23, "max-topic-levels: 'many' (expected a whole number >= 1)"),
                problem(7, 35, "max-subscriptions-per-client: '-1' (expected a whole number >= 1)"),
                problem(8, 19, "max-inflight: '65536' (expected a whole number from 1 to 65535)"),
                problem(9, 26, "max-queued-messages: '0' (expected a whole number >= 1)"),
                problem(10, 23, "max-queued-bytes: '0' (expected a size above 0, or unlimited)"),
                problem(11, 21, "queue-overflow: 'drop-newest' (expected drop-oldest or reject-new)"),
                problem(12, 22, "connect-timeout: '0' (expected a duration longer than 0)"),
                problem(13, 5, "unknown key 'max-inflite' (did you mean 'max-inflight'?)"));
    }

    @Test
    void aResponseInformationThatIsNoTopicNamePrefixIsReported() {
        read("""
                broker:
                  mqtt:
                    response-information: responses/+/
                """);

        assertThat(problems.sorted()).containsExactly(problem(3, 27, "response-information: 'responses/+/' (expected "
                + "a topic name prefix, not empty, without +, # or NUL, at most 65535 bytes)"));
    }

    @Test
    void withoutResponseInformationThereIsNone() {
        assertThat(MqttSettings.DEFAULTS.responseInformation()).isNull();
    }
}
