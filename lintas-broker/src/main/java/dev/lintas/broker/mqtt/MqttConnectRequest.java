package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.SessionRegistry;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;

/**
 * What a CONNECT asks for, read once, or why it is refused. MQTT 5 carries it in properties; MQTT 3.1.1 has none of
 * them, so its session lasts until a clean session ends it, and the rest keep their defaults.
 *
 * @param expiryMillis the session expiry interval, {@link SessionRegistry#NEVER} for one that never ends
 * @param receiveMaximum the client's Receive Maximum: how many QoS 1 and 2 messages it takes unanswered
 * @param maxPacketSize the client's Maximum Packet Size, {@link PacketSizes#UNLIMITED} when it sets none
 * @param topicAliasMaximum the client's Topic Alias Maximum: how many aliases the broker may use towards it
 * @param problemInformation whether Reason Strings and User Properties may go on acknowledgements (v5, 3.3.3.10)
 * @param will the will, or null
 */
record MqttConnectRequest(long expiryMillis, int receiveMaximum, long maxPacketSize, int topicAliasMaximum,
        boolean problemInformation, MqttBroker.Will will) implements MqttConnectRead {

    /**
     * A refused CONNECT.
     *
     * @param code the CONNACK's code, or null to close without a CONNACK (3.1.1 has no code for the case)
     * @param why the log line
     */
    record Refusal(MqttConnectReturnCode code, String why) implements MqttConnectRead {
    }

    /** The Receive Maximum of a client that sets none (v5 3.1.2.11.3). */
    static final int DEFAULT_RECEIVE_MAXIMUM = 65_535;

    /**
     * Reads {@code msg}: its properties (v5) and its will, whose topic must be valid and within {@code limits}, and
     * whose payload must be the UTF-8 its Payload Format Indicator says.
     */
    static MqttConnectRead read(MqttConnectMessage msg, boolean v5, MqttLimits limits) {
        long expiryMillis;
        int receiveMaximum = DEFAULT_RECEIVE_MAXIMUM;
        long maxPacketSize = PacketSizes.UNLIMITED;
        int topicAliasMaximum = 0;
        boolean problemInformation = true;
        if (v5) {
            MqttProperties properties = msg.variableHeader().properties();
            long expirySeconds = WireProperties.unsigned(properties, MqttPropertyType.SESSION_EXPIRY_INTERVAL, 0);
            expiryMillis = expirySeconds == 0xFFFF_FFFFL ? SessionRegistry.NEVER : expirySeconds * 1000;
            receiveMaximum = (int) WireProperties.unsigned(properties, MqttPropertyType.RECEIVE_MAXIMUM,
                    DEFAULT_RECEIVE_MAXIMUM);
            maxPacketSize = WireProperties.unsigned(properties, MqttPropertyType.MAXIMUM_PACKET_SIZE,
                    PacketSizes.UNLIMITED);
            if (maxPacketSize == 0) {
                return new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR,
                        "CONNECT refused: Maximum Packet Size 0");
            }
            topicAliasMaximum = (int) WireProperties.unsigned(properties, MqttPropertyType.TOPIC_ALIAS_MAXIMUM, 0);
            problemInformation = WireProperties.unsigned(properties,
                    MqttPropertyType.REQUEST_PROBLEM_INFORMATION, 1) != 0;
        } else {
            expiryMillis = msg.variableHeader().isCleanSession() ? 0 : SessionRegistry.NEVER;
        }
        MqttBroker.Will will = null;
        if (msg.variableHeader().isWillFlag()) {
            String topic = msg.payload().willTopic();
            if (topic == null || !MqttBroker.validTopicName(topic) || !limits.topicAllowed(topic)) {
                return new Refusal(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID : null,
                        "CONNECT refused: invalid will topic");
            }
            long delaySeconds = v5 ? WireProperties.unsigned(msg.payload().willProperties(),
                    MqttPropertyType.WILL_DELAY_INTERVAL, 0) : 0;
            byte[] payload = msg.payload().willMessageInBytes();
            payload = payload == null ? new byte[0] : payload;
            PublishProperties properties = v5 ? PublishProperties.fromWire(msg.payload().willProperties())
                    : PublishProperties.NONE;
            if (!properties.payloadValid(payload)) {
                return new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_PAYLOAD_FORMAT_INVALID,
                        "CONNECT refused: will payload is not UTF-8");
            }
            will = new MqttBroker.Will(topic, msg.variableHeader().willQos(), msg.variableHeader().isWillRetain(),
                    payload, delaySeconds * 1000, properties);
        }
        return new MqttConnectRequest(expiryMillis, receiveMaximum, maxPacketSize, topicAliasMaximum,
                problemInformation, will);
    }

    /**
     * Adds to a v5 CONNACK what the broker tells every client: its Receive Maximum, Maximum Packet Size and Topic
     * Alias Maximum, and that shared subscriptions and subscription identifiers are available.
     */
    static void addServerProperties(MqttProperties ack, MqttSettings settings) {
        ack.add(new MqttProperties.IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(),
                settings.receiveMaximum()));
        ack.add(new MqttProperties.IntegerProperty(MqttPropertyType.SHARED_SUBSCRIPTION_AVAILABLE.value(), 1));
        ack.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE.value(), 1));
        ack.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(),
                settings.maxPacketSize()));
        ack.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(),
                settings.topicAliasMaximum()));
    }
}
