package dev.lintas.broker.mqtt;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;

import java.util.Map;
import java.util.Set;

import static io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_DATA;
import static io.netty.handler.codec.mqtt.MqttProperties.AUTHENTICATION_METHOD;
import static io.netty.handler.codec.mqtt.MqttProperties.CONTENT_TYPE;
import static io.netty.handler.codec.mqtt.MqttProperties.CORRELATION_DATA;
import static io.netty.handler.codec.mqtt.MqttProperties.MAXIMUM_PACKET_SIZE;
import static io.netty.handler.codec.mqtt.MqttProperties.PAYLOAD_FORMAT_INDICATOR;
import static io.netty.handler.codec.mqtt.MqttProperties.PUBLICATION_EXPIRY_INTERVAL;
import static io.netty.handler.codec.mqtt.MqttProperties.REASON_STRING;
import static io.netty.handler.codec.mqtt.MqttProperties.RECEIVE_MAXIMUM;
import static io.netty.handler.codec.mqtt.MqttProperties.REQUEST_PROBLEM_INFORMATION;
import static io.netty.handler.codec.mqtt.MqttProperties.REQUEST_RESPONSE_INFORMATION;
import static io.netty.handler.codec.mqtt.MqttProperties.RESPONSE_TOPIC;
import static io.netty.handler.codec.mqtt.MqttProperties.SERVER_REFERENCE;
import static io.netty.handler.codec.mqtt.MqttProperties.SESSION_EXPIRY_INTERVAL;
import static io.netty.handler.codec.mqtt.MqttProperties.SUBSCRIPTION_IDENTIFIER;
import static io.netty.handler.codec.mqtt.MqttProperties.TOPIC_ALIAS;
import static io.netty.handler.codec.mqtt.MqttProperties.TOPIC_ALIAS_MAXIMUM;
import static io.netty.handler.codec.mqtt.MqttProperties.USER_PROPERTY;
import static io.netty.handler.codec.mqtt.MqttProperties.WILL_DELAY_INTERVAL;

/**
 * The MQTT 5 property rules Netty's decoder leaves to its user, for the packets a client sends: which properties a
 * packet may carry (section 2.2.2.2: any other is a malformed packet, 0x81) and the values the spec calls a
 * protocol error (0x82). A property that appears twice cannot be seen here, since the decoder keeps the last one
 * (the Subscription Identifier excepted): {@link PropertyScanner} finds it in the raw bytes, before the decoder.
 */
final class MqttPropertyRules {

    private static final Set<Integer> WILL = Set.of(PAYLOAD_FORMAT_INDICATOR, PUBLICATION_EXPIRY_INTERVAL,
            CONTENT_TYPE, RESPONSE_TOPIC, CORRELATION_DATA, WILL_DELAY_INTERVAL, USER_PROPERTY);
    private static final Set<Integer> ACK = Set.of(REASON_STRING, USER_PROPERTY);
    /** By packet type, what a client may send. A PUBLISH Subscription Identifier is a protocol error of its own. */
    private static final Map<MqttMessageType, Set<Integer>> ALLOWED = Map.of(
            MqttMessageType.CONNECT, Set.of(SESSION_EXPIRY_INTERVAL, AUTHENTICATION_METHOD, AUTHENTICATION_DATA,
                    REQUEST_PROBLEM_INFORMATION, REQUEST_RESPONSE_INFORMATION, RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM,
                    USER_PROPERTY, MAXIMUM_PACKET_SIZE),
            MqttMessageType.PUBLISH, Set.of(PAYLOAD_FORMAT_INDICATOR, PUBLICATION_EXPIRY_INTERVAL, CONTENT_TYPE,
                    RESPONSE_TOPIC, CORRELATION_DATA, TOPIC_ALIAS, USER_PROPERTY, SUBSCRIPTION_IDENTIFIER),
            MqttMessageType.PUBACK, ACK,
            MqttMessageType.PUBREC, ACK,
            MqttMessageType.PUBREL, ACK,
            MqttMessageType.PUBCOMP, ACK,
            MqttMessageType.SUBSCRIBE, Set.of(SUBSCRIPTION_IDENTIFIER, USER_PROPERTY),
            MqttMessageType.UNSUBSCRIBE, Set.of(USER_PROPERTY),
            MqttMessageType.DISCONNECT, Set.of(SESSION_EXPIRY_INTERVAL, SERVER_REFERENCE, REASON_STRING,
                    USER_PROPERTY),
            MqttMessageType.AUTH, Set.of(AUTHENTICATION_METHOD, AUTHENTICATION_DATA, REASON_STRING, USER_PROPERTY));

    private MqttPropertyRules() {
    }

    /** The rule a v5 packet's properties break, or null. */
    static MqttBadInput check(MqttMessage packet) {
        MqttMessageType type = packet.fixedHeader().messageType();
        MqttProperties properties = properties(packet.variableHeader());
        MqttBadInput bad = allowed(type.name(), properties, ALLOWED.getOrDefault(type, Set.of()));
        if (bad != null) {
            return bad;
        }
        return switch (type) {
            case CONNECT -> connect(properties, (MqttConnectMessage) packet);
            case PUBLISH -> properties.getProperty(SUBSCRIPTION_IDENTIFIER) != null
                    ? MqttBadInput.protocolError("PUBLISH with a Subscription Identifier") // [MQTT-3.3.4-6]
                    : responseTopic("PUBLISH", properties);
            case SUBSCRIBE -> subscriptionIdentifier(properties);
            default -> null;
        };
    }

    private static MqttProperties properties(Object variableHeader) {
        return switch (variableHeader) {
            case MqttConnectVariableHeader header -> header.properties();
            case MqttPublishVariableHeader header -> header.properties();
            case MqttMessageIdAndPropertiesVariableHeader header -> header.properties();
            case MqttPubReplyMessageVariableHeader header -> header.properties();
            case MqttReasonCodeAndPropertiesVariableHeader header -> header.properties();
            case null, default -> MqttProperties.NO_PROPERTIES;
        };
    }

    /** Section 2.2.2.2: an identifier not valid for the packet type is a malformed packet. */
    private static MqttBadInput allowed(String where, MqttProperties properties, Set<Integer> allowed) {
        for (MqttProperties.MqttProperty<?> property : properties.listAll()) {
            if (!allowed.contains(property.propertyId())) {
                return MqttBadInput.malformed(String.format("%s with property 0x%02X, which it may not carry",
                        where, property.propertyId()));
            }
        }
        return null;
    }

    /** Sections 3.1.2.11 and 3.1.3.2: values that are a protocol error, and the will's properties. */
    private static MqttBadInput connect(MqttProperties properties, MqttConnectMessage connect) {
        if (intValue(properties, RECEIVE_MAXIMUM, 1) == 0) {
            return MqttBadInput.protocolError("CONNECT with a Receive Maximum of 0");
        }
        if (intValue(properties, MAXIMUM_PACKET_SIZE, 1) == 0) {
            return MqttBadInput.protocolError("CONNECT with a Maximum Packet Size of 0");
        }
        if (intValue(properties, REQUEST_PROBLEM_INFORMATION, 0) > 1
                || intValue(properties, REQUEST_RESPONSE_INFORMATION, 0) > 1) {
            return MqttBadInput.protocolError("CONNECT with a Request Problem or Response Information other than 0, 1");
        }
        if (properties.getProperty(AUTHENTICATION_DATA) != null
                && properties.getProperty(AUTHENTICATION_METHOD) == null) {
            return MqttBadInput.protocolError("CONNECT with Authentication Data but no Authentication Method");
        }
        if (!connect.variableHeader().isWillFlag()) {
            return null;
        }
        MqttProperties will = connect.payload().willProperties();
        MqttBadInput bad = allowed("will of CONNECT", will, WILL);
        return bad != null ? bad : responseTopic("will of CONNECT", will);
    }

    /**
     * [MQTT-3.3.2-14]: a Response Topic is a topic name, so no wildcards. A will's (3.1.3.2.6) is the Response Topic
     * of the PUBLISH the will becomes, and is held to the same rule.
     */
    private static MqttBadInput responseTopic(String where, MqttProperties properties) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(RESPONSE_TOPIC);
        return property != null && property.value() instanceof String topic && !MqttBroker.validTopicName(topic)
                ? MqttBadInput.protocolError(where + " with Response Topic '" + topic + "', not a topic name")
                : null;
    }

    /** Section 3.8.2.1.2: at most one, and not 0. */
    private static MqttBadInput subscriptionIdentifier(MqttProperties properties) {
        var identifiers = properties.getProperties(SUBSCRIPTION_IDENTIFIER);
        if (identifiers.size() > 1) {
            return MqttBadInput.protocolError("SUBSCRIBE with more than one Subscription Identifier");
        }
        if (intValue(properties, SUBSCRIPTION_IDENTIFIER, 1) == 0) {
            return MqttBadInput.protocolError("SUBSCRIBE with a Subscription Identifier of 0");
        }
        return null;
    }

    private static long intValue(MqttProperties properties, int id, long absent) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(id);
        return property != null && property.value() instanceof Integer value ? Integer.toUnsignedLong(value) : absent;
    }
}
