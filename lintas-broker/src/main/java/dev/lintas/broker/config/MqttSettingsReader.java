package dev.lintas.broker.config;

import dev.lintas.broker.mqtt.MqttSettings;
import dev.lintas.broker.mqtt.QueueOverflow;
import dev.lintas.runtime.config.ConfigMap;

import java.time.Duration;

/**
 * Reads the limits of {@code broker.mqtt} into {@link MqttSettings}; a key left out takes its value from
 * {@link MqttSettings#DEFAULTS}. Every bad value is a problem at its position, and reading goes on.
 */
final class MqttSettingsReader {

    /** The keys of {@code broker.mqtt} this reader owns. */
    static final String[] KEYS = {"max-packet-size", "max-connections", "max-topic-length", "max-topic-levels",
        "max-subscriptions-per-client", "max-inflight", "max-queued-messages", "max-queued-bytes", "queue-overflow",
        "connect-timeout", "receive-maximum", "topic-alias-maximum", "max-keep-alive", "response-information"};

    private MqttSettingsReader() {
    }

    static MqttSettings read(ConfigMap mqtt) {
        MqttSettings d = MqttSettings.DEFAULTS;
        long packet = mqtt.size("max-packet-size", d.maxPacketSize());
        if (packet < MqttSettings.MIN_PACKET_SIZE || packet > MqttSettings.MAX_PACKET_SIZE_LIMIT) {
            problem(mqtt, "max-packet-size", "'" + mqtt.string("max-packet-size", "") + "' (expected "
                    + MqttSettings.MIN_PACKET_SIZE + " bytes to 256MiB, the most MQTT can express)");
            packet = d.maxPacketSize();
        }
        long bytes = mqtt.size("max-queued-bytes", d.maxQueuedBytes());
        if (bytes == 0) {
            problem(mqtt, "max-queued-bytes", "'0' (expected a size above 0, or unlimited)");
            bytes = d.maxQueuedBytes();
        }
        Duration connectTimeout = mqtt.duration("connect-timeout", d.connectTimeout());
        if (connectTimeout.isZero()) {
            problem(mqtt, "connect-timeout", "'0' (expected a duration longer than 0)");
            connectTimeout = d.connectTimeout();
        }
        QueueOverflow overflow = mqtt.parsed("queue-overflow", "drop-oldest or reject-new", QueueOverflow::of)
                .orElse(d.queueOverflow());
        Duration keepAlive = mqtt.duration("max-keep-alive", Duration.ofSeconds(d.maxKeepAliveSeconds()));
        if (keepAlive.toSeconds() > 65_535) {
            problem(mqtt, "max-keep-alive", "'" + mqtt.string("max-keep-alive", "")
                    + "' (expected at most 65535s, the most MQTT can express, or 0 for no maximum)");
            keepAlive = Duration.ofSeconds(d.maxKeepAliveSeconds());
        }
        return d.toBuilder()
                .maxPacketSize((int) packet)
                .connectTimeout(connectTimeout)
                .maxQueuedMessages(mqtt.integer("max-queued-messages", d.maxQueuedMessages(), 1))
                .deliveryWindow(ranged(mqtt, "max-inflight", d.deliveryWindow(), 1, 65_535))
                .maxQueuedBytes(bytes == Long.MAX_VALUE ? -1 : bytes)
                .queueOverflow(overflow)
                .maxConnections(mqtt.integer("max-connections", d.maxConnections(), 1))
                .maxTopicLength(ranged(mqtt, "max-topic-length", d.maxTopicLength(), 1,
                        MqttSettings.MAX_TOPIC_LENGTH_LIMIT))
                .maxTopicLevels(mqtt.integer("max-topic-levels", d.maxTopicLevels(), 1))
                .maxSubscriptionsPerClient(mqtt.integer("max-subscriptions-per-client",
                        d.maxSubscriptionsPerClient(), 1))
                .receiveMaximum(ranged(mqtt, "receive-maximum", d.receiveMaximum(), 1, 65_535))
                .topicAliasMaximum(ranged(mqtt, "topic-alias-maximum", d.topicAliasMaximum(), 0, 65_535))
                .maxKeepAliveSeconds((int) keepAlive.toSeconds())
                .responseInformation(mqtt.parsed("response-information", MqttSettings.RESPONSE_INFORMATION_EXPECTED,
                        text -> MqttSettings.validResponseInformation(text) ? text : null).orElse(null))
                .build();
    }

    private static int ranged(ConfigMap map, String key, int fallback, int min, int max) {
        return map.parsed(key, "a whole number from " + min + " to " + max, text -> {
            try {
                int value = Integer.parseInt(text);
                return value >= min && value <= max ? value : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(fallback);
    }

    private static void problem(ConfigMap map, String key, String what) {
        map.get(key).ifPresent(node -> node.problem(key + ": " + what));
    }

}
