package dev.lintas.broker.mqtt;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;

/** Reading one property out of Netty's decoded {@link MqttProperties}. Stateless. */
final class WireProperties {

    private WireProperties() {
    }

    /** The value of {@code type}, or null when the packet does not carry it. */
    static Object value(MqttProperties properties, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(type.value());
        return property == null ? null : property.value();
    }

    /**
     * An integer property as the unsigned number the spec means (a Four Byte Integer goes up to 2^32 - 1), or
     * {@code fallback} when the packet does not carry it.
     */
    static long unsigned(MqttProperties properties, MqttPropertyType type, long fallback) {
        return value(properties, type) instanceof Integer value ? Integer.toUnsignedLong(value) : fallback;
    }
}
