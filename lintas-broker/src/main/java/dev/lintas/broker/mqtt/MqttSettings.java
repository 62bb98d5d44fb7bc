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
 *        QoS 2 ones until PUBCOMP, QoS 0 ones until written to the socket. The client's v5 Receive Maximum lowers it
 *        further.
 * @param receiveMaximum the most incoming QoS 1 and 2 PUBLISH packets one session may have unfinished (QoS 2 ones
 *        until PUBREL): the Receive Maximum the v5 CONNACK advertises. A v5 client that goes past it is disconnected
 *        with 0x93.
 */
public record MqttSettings(int maxPacketSize, Duration connectTimeout, int maxQueuedMessages, int deliveryWindow,
        int receiveMaximum) {

    /** The default bound of a session's queue. */
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 100_000;
    /** The default per-connection delivery window. */
    public static final int DEFAULT_DELIVERY_WINDOW = 1024;
    /** The default Receive Maximum: as many unfinished incoming QoS 1 and 2 messages as the delivery window. */
    public static final int DEFAULT_RECEIVE_MAXIMUM = 1024;

    public static final MqttSettings DEFAULTS = new MqttSettings(1024 * 1024, Duration.ofSeconds(10),
            DEFAULT_MAX_QUEUED_MESSAGES, DEFAULT_DELIVERY_WINDOW, DEFAULT_RECEIVE_MAXIMUM);

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
        if (receiveMaximum < 1 || receiveMaximum > 65_535) {
            throw new IllegalArgumentException("receiveMaximum: " + receiveMaximum + " (expected: 1 to 65535)");
        }
    }

    public MqttSettings withMaxQueuedMessages(int max) {
        return new MqttSettings(maxPacketSize, connectTimeout, max, deliveryWindow, receiveMaximum);
    }

    public MqttSettings withDeliveryWindow(int window) {
        return new MqttSettings(maxPacketSize, connectTimeout, maxQueuedMessages, window, receiveMaximum);
    }

    public MqttSettings withReceiveMaximum(int max) {
        return new MqttSettings(maxPacketSize, connectTimeout, maxQueuedMessages, deliveryWindow, max);
    }
}
