package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Message;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The MQTT 5 properties of an application message (a PUBLISH or a will), and how they map onto a core
 * {@link Message}, so that they travel with it to every subscriber and to AMQP consumers:
 * <ul>
 *   <li>Content Type, Correlation Data and Response Topic become the message properties {@value #CONTENT_TYPE},
 *       {@value #CORRELATION_ID} (the bytes as sent) and {@value #REPLY_TO} (an MQTT topic name), AMQP's names.</li>
 *   <li>User properties become headers, so that the headers exchange and AMQP consumers see them. A name that
 *       repeats gets a list of its values; the exact list, in order, is then also kept in {@value #USER_PROPERTIES}
 *       so that MQTT subscribers get the pairs in the order they were sent.</li>
 *   <li>Message Expiry Interval becomes the message's TTL; the remaining interval is sent on delivery.</li>
 *   <li>Payload Format Indicator is kept in {@value #PAYLOAD_FORMAT}; it has no AMQP counterpart.</li>
 * </ul>
 *
 * @param payloadFormat the Payload Format Indicator (1: UTF-8 text), or -1 when absent
 * @param expirySeconds the Message Expiry Interval in seconds, or -1 when absent
 * @param contentType the Content Type, or null
 * @param responseTopic the Response Topic, or null
 * @param correlationData the Correlation Data, or null; not copied, not to be modified
 * @param userProperties the user properties in the order sent, duplicates included
 */
record PublishProperties(int payloadFormat, long expirySeconds, String contentType, String responseTopic,
        byte[] correlationData, List<Map.Entry<String, String>> userProperties) {

    static final String CONTENT_TYPE = "content-type";
    static final String CORRELATION_ID = "correlation-id";
    static final String REPLY_TO = "reply-to";
    static final String PAYLOAD_FORMAT = "mqtt-payload-format";
    static final String USER_PROPERTIES = "mqtt-user-properties";
    /** The Message Expiry Interval of a stored will, which has no message (and so no TTL) yet. */
    private static final String STORED_EXPIRY = "mqtt-expiry-seconds";

    /** A message without properties: what MQTT 3.1.1 publishes. */
    static final PublishProperties NONE = new PublishProperties(-1, -1, null, null, null, List.of());

    /** Reads the properties of a PUBLISH, or a will's properties. */
    static PublishProperties fromWire(MqttProperties wire) {
        if (wire.isEmpty()) {
            return NONE;
        }
        List<Map.Entry<String, String>> user = new ArrayList<>();
        for (MqttProperties.MqttProperty<?> property : wire.getProperties(MqttPropertyType.USER_PROPERTY.value())) {
            MqttProperties.UserProperty pair = (MqttProperties.UserProperty) property;
            user.add(Map.entry(pair.value().key, pair.value().value));
        }
        return new PublishProperties(
                (int) WireProperties.unsigned(wire, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR, -1),
                WireProperties.unsigned(wire, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL, -1),
                (String) WireProperties.value(wire, MqttPropertyType.CONTENT_TYPE),
                (String) WireProperties.value(wire, MqttPropertyType.RESPONSE_TOPIC),
                (byte[]) WireProperties.value(wire, MqttPropertyType.CORRELATION_DATA),
                List.copyOf(user));
    }

    /** Whether {@code payload} is what the Payload Format Indicator says: any bytes, or well-formed UTF-8 text. */
    boolean payloadValid(byte[] payload) {
        if (payloadFormat != 1) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** These properties as values the durable store keeps (a pending will's), keyed by the names above. */
    Map<String, Object> toStored() {
        Map<String, Object> stored = new LinkedHashMap<>();
        if (payloadFormat >= 0) {
            stored.put(PAYLOAD_FORMAT, payloadFormat);
        }
        if (expirySeconds >= 0) {
            stored.put(STORED_EXPIRY, expirySeconds);
        }
        if (contentType != null) {
            stored.put(CONTENT_TYPE, contentType);
        }
        if (responseTopic != null) {
            stored.put(REPLY_TO, responseTopic);
        }
        if (correlationData != null) {
            stored.put(CORRELATION_ID, correlationData);
        }
        if (!userProperties.isEmpty()) {
            stored.put(USER_PROPERTIES, userProperties.stream()
                    .map(pair -> List.of(pair.getKey(), pair.getValue())).toList());
        }
        return stored;
    }

    /** Reads back what {@link #toStored} made. */
    static PublishProperties fromStored(Map<String, Object> stored) {
        if (stored.isEmpty()) {
            return NONE;
        }
        List<Map.Entry<String, String>> user = new ArrayList<>();
        if (stored.get(USER_PROPERTIES) instanceof List<?> pairs) {
            for (Object pair : pairs) {
                List<?> both = (List<?>) pair;
                user.add(Map.entry((String) both.get(0), (String) both.get(1)));
            }
        }
        return new PublishProperties(
                stored.get(PAYLOAD_FORMAT) instanceof Integer format ? format : -1,
                stored.get(STORED_EXPIRY) instanceof Long seconds ? seconds : -1,
                (String) stored.get(CONTENT_TYPE),
                (String) stored.get(REPLY_TO),
                (byte[]) stored.get(CORRELATION_ID),
                List.copyOf(user));
    }

    /** Puts these properties on a core message. */
    void applyTo(Message.Builder message) {
        if (payloadFormat >= 0) {
            message.property(PAYLOAD_FORMAT, payloadFormat);
        }
        if (expirySeconds >= 0) {
            message.ttlMillis(expirySeconds * 1000);
        }
        if (contentType != null) {
            message.property(CONTENT_TYPE, contentType);
        }
        if (responseTopic != null) {
            message.property(REPLY_TO, responseTopic);
        }
        if (correlationData != null) {
            message.property(CORRELATION_ID, correlationData);
        }
        if (userProperties.isEmpty()) {
            return;
        }
        // Linear in the number of pairs, however many share a name: a PUBLISH may carry a great many.
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (Map.Entry<String, String> pair : userProperties) {
            byName.computeIfAbsent(pair.getKey(), name -> new ArrayList<>(1)).add(pair.getValue());
        }
        for (Map.Entry<String, List<String>> header : byName.entrySet()) {
            List<String> values = header.getValue();
            message.header(header.getKey(), values.size() == 1 ? values.get(0) : List.copyOf(values));
        }
        if (byName.size() < userProperties.size()) {
            message.property(USER_PROPERTIES, userProperties);
        }
    }

    /**
     * The PUBLISH properties that deliver {@code message} to an MQTT 5 client.
     *
     * @param expiresAtMillis when the message expires, or {@link Long#MAX_VALUE}; the interval left, rounded up to
     *        whole seconds and at least 1, is sent as the Message Expiry Interval
     * @param nowMillis the broker's clock now
     */
    static MqttProperties toWire(Message message, long expiresAtMillis, long nowMillis) {
        MqttProperties wire = new MqttProperties();
        long remainingSeconds = expiresAtMillis == Long.MAX_VALUE ? -1
                : Math.max(1, Math.ceilDiv(expiresAtMillis - nowMillis, 1000L));
        Map<String, Object> properties = message.properties();
        if (properties.get(PAYLOAD_FORMAT) instanceof Integer format) {
            wire.add(new MqttProperties.IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), format));
        }
        if (remainingSeconds >= 0) {
            wire.add(new MqttProperties.IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(),
                    (int) Math.min(remainingSeconds, 0xFFFF_FFFFL)));
        }
        if (properties.get(CONTENT_TYPE) instanceof String type) {
            wire.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), type));
        }
        if (properties.get(REPLY_TO) instanceof String topic) {
            wire.add(new MqttProperties.StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), topic));
        }
        Object correlation = properties.get(CORRELATION_ID);
        if (correlation instanceof byte[] bytes) {
            wire.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), bytes));
        } else if (correlation instanceof String text) { // An AMQP correlation id is a short string.
            wire.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(),
                    text.getBytes(StandardCharsets.UTF_8)));
        }
        addUserProperties(message, wire);
        return wire;
    }

    /**
     * The exact list when the publisher repeated a name; otherwise the headers in order, a list value as one pair per
     * element. Headers whose values are not text, numbers or booleans (such as AMQP's {@code x-death} tables) have no
     * user property form and are left out.
     */
    private static void addUserProperties(Message message, MqttProperties wire) {
        Map<String, Object> headers = message.headers();
        Set<String> done = Set.of();
        if (message.properties().get(USER_PROPERTIES) instanceof List<?> exact) {
            Set<String> names = new HashSet<>();
            for (Object item : exact) {
                if (item instanceof Map.Entry<?, ?> pair) {
                    wire.add(new MqttProperties.UserProperty(String.valueOf(pair.getKey()),
                            String.valueOf(pair.getValue())));
                    names.add(String.valueOf(pair.getKey()));
                }
            }
            done = names;
        }
        for (Map.Entry<String, Object> header : headers.entrySet()) {
            if (done.contains(header.getKey())) {
                continue;
            }
            if (header.getValue() instanceof List<?> values) {
                for (Object value : values) {
                    addScalar(wire, header.getKey(), value);
                }
            } else {
                addScalar(wire, header.getKey(), header.getValue());
            }
        }
    }

    private static void addScalar(MqttProperties wire, String name, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            wire.add(new MqttProperties.UserProperty(name, value.toString()));
        }
    }

}
