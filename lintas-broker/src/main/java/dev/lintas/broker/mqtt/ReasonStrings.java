package dev.lintas.broker.mqtt;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;

/**
 * MQTT 5 Reason Strings: the human-readable why that goes with a refusal. The rules (MQTT 5.0, 3.1.2.11.7):
 * <ul>
 *   <li>a refused CONNACK and a DISCONNECT always get one (the same text the broker logs);</li>
 *   <li>a negative acknowledgement (PUBACK, PUBREC, SUBACK with a failure) gets one only while the client has not
 *       set Request Problem Information to 0;</li>
 *   <li>none is added where it would push the packet over the client's Maximum Packet Size (3.1.2.11.4).</li>
 * </ul>
 * Stateless; the connection passes what it knows of its client.
 */
final class ReasonStrings {

    private ReasonStrings() {
    }

    /**
     * {@code last}, a DISCONNECT or a refused CONNACK, with {@code why} as its Reason String when it has no properties
     * yet and the string fits; {@code last} itself otherwise.
     */
    static MqttMessage addTo(MqttMessage last, String why, long maxPacketSize) {
        if (last.fixedHeader().messageType() == MqttMessageType.DISCONNECT
                && last.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header
                && header.properties().isEmpty()) {
            MqttProperties properties = reason(why, 1, maxPacketSize);
            return properties.isEmpty() ? last
                    : MqttMessageBuilders.disconnect().reasonCode(header.reasonCode()).properties(properties).build();
        }
        if (last instanceof MqttConnAckMessage ack
                && ack.variableHeader().connectReturnCode() != MqttConnectReturnCode.CONNECTION_ACCEPTED
                && ack.variableHeader().properties().isEmpty()) {
            MqttProperties properties = reason(why, 2, maxPacketSize);
            return properties.isEmpty() ? last : MqttMessageBuilders.connAck()
                    .returnCode(ack.variableHeader().connectReturnCode())
                    .sessionPresent(false)
                    .properties(properties)
                    .build();
        }
        return last;
    }

    /**
     * The properties of a negative acknowledgement: a Reason String when the client wants problem information and it
     * fits, none otherwise.
     *
     * @param bytesBeforeProperties the variable header and payload bytes other than the properties (3 for PUBACK:
     *        packet id and reason code; 2 plus one a filter for SUBACK)
     */
    static MqttProperties forAck(String why, boolean problemInformation, int bytesBeforeProperties,
            long maxPacketSize) {
        return problemInformation ? reason(why, bytesBeforeProperties, maxPacketSize) : MqttProperties.NO_PROPERTIES;
    }

    private static MqttProperties reason(String why, int bytesBeforeProperties, long maxPacketSize) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.StringProperty(MqttProperties.MqttPropertyType.REASON_STRING.value(), why));
        return PacketSizes.ack(bytesBeforeProperties, properties) <= maxPacketSize
                ? properties : MqttProperties.NO_PROPERTIES;
    }
}
