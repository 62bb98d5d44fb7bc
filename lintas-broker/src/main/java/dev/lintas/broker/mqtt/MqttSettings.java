package dev.lintas.broker.mqtt;

import java.time.Duration;

/**
 * What the MQTT listener needs to know besides its address.
 *
 * @param maxPacketSize the largest packet accepted, in bytes; a larger one closes the connection
 * @param connectTimeout how long a new connection may take to send its CONNECT
 */
public record MqttSettings(int maxPacketSize, Duration connectTimeout) {

    public static final MqttSettings DEFAULTS = new MqttSettings(1024 * 1024, Duration.ofSeconds(10));

    public MqttSettings {
        if (maxPacketSize < 16) {
            throw new IllegalArgumentException("maxPacketSize: " + maxPacketSize + " (expected: >= 16)");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
    }
}
