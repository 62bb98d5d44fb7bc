package dev.lintas.broker.mqtt;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;

import java.nio.charset.StandardCharsets;

/**
 * The encoded size of packets the broker sends, counted the way MQTT 5 counts a Maximum Packet Size: the whole packet,
 * fixed header included (MQTT 5.0, 3.1.2.11.4). The broker must not send a client a packet above the maximum the
 * client announced in CONNECT, so it measures before it writes.
 */
final class PacketSizes {

    /** What a client that announces no Maximum Packet Size accepts: the protocol's own limit. */
    static final long UNLIMITED = 268_435_455L + 5;

    private PacketSizes() {
    }

    /** The size of a PUBLISH with this topic name, QoS, properties (MQTT 5) and payload. */
    static long publish(String topic, int qos, MqttProperties properties, boolean v5, int payloadLength) {
        long remaining = 2L + utf8(topic) + (qos > 0 ? 2 : 0) + (v5 ? withLength(properties(properties)) : 0)
                + payloadLength;
        return 1 + variableByteIntegerSize(remaining) + remaining;
    }

    /**
     * The size of an MQTT 5 acknowledgement (CONNACK, PUBACK, SUBACK, DISCONNECT and the like) with these properties.
     *
     * @param otherBytes the bytes after the fixed header other than the properties: packet id, flags, reason codes
     */
    static long ack(int otherBytes, MqttProperties properties) {
        long remaining = otherBytes + withLength(properties(properties));
        return 1 + variableByteIntegerSize(remaining) + remaining;
    }

    /** The bytes a property block takes without its own length prefix. */
    static long properties(MqttProperties properties) {
        long size = 0;
        for (MqttProperties.MqttProperty<?> property : properties.listAll()) {
            int id = property.propertyId();
            if (property instanceof MqttProperties.UserProperties user) {
                for (MqttProperties.StringPair pair : user.value()) {
                    size += 1 + 2 + utf8(pair.key) + 2 + utf8(pair.value);
                }
                continue;
            }
            size += variableByteIntegerSize(id);
            Object value = property.value();
            if (value instanceof String text) {
                size += 2 + utf8(text);
            } else if (value instanceof byte[] bytes) {
                size += 2 + bytes.length;
            } else if (value instanceof Integer number) {
                size += integerSize(id, number);
            }
        }
        return size;
    }

    private static long integerSize(int id, int value) {
        MqttPropertyType type = MqttPropertyType.valueOf(id);
        return switch (type) {
            case SERVER_KEEP_ALIVE, RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM, TOPIC_ALIAS -> 2;
            case PUBLICATION_EXPIRY_INTERVAL, SESSION_EXPIRY_INTERVAL, WILL_DELAY_INTERVAL, MAXIMUM_PACKET_SIZE -> 4;
            case SUBSCRIPTION_IDENTIFIER -> variableByteIntegerSize(Integer.toUnsignedLong(value));
            default -> 1;
        };
    }

    private static long withLength(long propertiesSize) {
        return variableByteIntegerSize(propertiesSize) + propertiesSize;
    }

    static int variableByteIntegerSize(long value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    private static int utf8(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return text.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return text.length(); // ASCII: one byte a char
    }
}
