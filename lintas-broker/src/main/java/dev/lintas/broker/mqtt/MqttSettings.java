package dev.lintas.broker.mqtt;

import java.time.Duration;

/**
 * What the MQTT listener needs to know besides its address.
 *
 * @param maxPacketSize the largest packet accepted, in bytes; a larger one closes the connection
 * @param connectTimeout how long a new connection may take to send its CONNECT
 * @param maxQueuedMessages the most messages a session's queue holds waiting for its client (offline, or slower
 *        than the publishers); past it the oldest are dropped (drop-head), counted and logged once per session
 * @param deliveryWindow the most messages handed to one connection and not yet settled: QoS 1 ones until PUBACK,
 *        QoS 0 ones until written to the socket. The client's v5 Receive Maximum lowers it further.
 * @param topicAliasMaximum the most topic aliases an MQTT 5 client may set (announced in CONNACK); 0 for none
 * @param maxKeepAliveSeconds the longest keep-alive an MQTT 5 client gets: one that asks for more, or for none (0),
 *        gets this in CONNACK's Server Keep Alive; 0 for no maximum
 */
public record MqttSettings(int maxPacketSize, Duration connectTimeout, int maxQueuedMessages, int deliveryWindow,
        int topicAliasMaximum, int maxKeepAliveSeconds) {

    /** The default bound of a session's queue. */
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 100_000;
    /** The default per-connection delivery window. */
    public static final int DEFAULT_DELIVERY_WINDOW = 1024;
    /** The default number of topic aliases a client may set. */
    public static final int DEFAULT_TOPIC_ALIAS_MAXIMUM = 16;

    public static final MqttSettings DEFAULTS = new MqttSettings(1024 * 1024, Duration.ofSeconds(10),
            DEFAULT_MAX_QUEUED_MESSAGES, DEFAULT_DELIVERY_WINDOW, DEFAULT_TOPIC_ALIAS_MAXIMUM, 0);

    public MqttSettings {
        if (maxPacketSize < 16) {
            throw new IllegalArgumentException("maxPacketSize: " + maxPacketSize + " (expected: >= 16)");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
        if (maxQueuedMessages < 1) {
            throw new IllegalArgumentException("maxQueuedMessages: " + maxQueuedMessages + " (expected: >= 1)");
        }
        if (deliveryWindow < 1 || deliveryWindow > 65_535) {
            throw new IllegalArgumentException("deliveryWindow: " + deliveryWindow + " (expected: 1 to 65535)");
        }
        if (topicAliasMaximum < 0 || topicAliasMaximum > 65_535) {
            throw new IllegalArgumentException("topicAliasMaximum: " + topicAliasMaximum
                    + " (expected: 0 to 65535)");
        }
        if (maxKeepAliveSeconds < 0 || maxKeepAliveSeconds > 65_535) {
            throw new IllegalArgumentException("maxKeepAliveSeconds: " + maxKeepAliveSeconds
                    + " (expected: 0 to 65535)");
        }
    }

    public MqttSettings withMaxQueuedMessages(int max) {
        return new MqttSettings(maxPacketSize, connectTimeout, max, deliveryWindow, topicAliasMaximum,
                maxKeepAliveSeconds);
    }

    public MqttSettings withDeliveryWindow(int window) {
        return new MqttSettings(maxPacketSize, connectTimeout, maxQueuedMessages, window, topicAliasMaximum,
                maxKeepAliveSeconds);
    }

    public MqttSettings withTopicAliasMaximum(int maximum) {
        return new MqttSettings(maxPacketSize, connectTimeout, maxQueuedMessages, deliveryWindow, maximum,
                maxKeepAliveSeconds);
    }

    public MqttSettings withMaxKeepAliveSeconds(int seconds) {
        return new MqttSettings(maxPacketSize, connectTimeout, maxQueuedMessages, deliveryWindow, topicAliasMaximum,
                seconds);
    }
}
