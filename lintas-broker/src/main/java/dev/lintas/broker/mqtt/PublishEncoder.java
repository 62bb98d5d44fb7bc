package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Message;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;

import java.util.List;
import java.util.function.IntSupplier;

/**
 * Turns a core message into the PUBLISH one connection gets. For MQTT 5: the message's properties with the expiry
 * interval that remains ({@link PublishProperties}), the subscription identifiers, a topic alias when the client
 * allows them, and the client's Maximum Packet Size. MQTT 3.1.1 gets the plain message.
 * <p>
 * Event loop only: the topic aliases it assigns follow the order of the packets it builds.
 */
final class PublishEncoder {

    private final boolean v5;
    private final TopicAliases aliases;
    private final long maxPacketSize;

    /**
     * @param aliases the connection's topic aliases, of which this uses the outgoing side
     * @param maxPacketSize the client's Maximum Packet Size, or {@link PacketSizes#UNLIMITED}
     */
    PublishEncoder(boolean v5, TopicAliases aliases, long maxPacketSize) {
        this.v5 = v5;
        this.aliases = aliases;
        this.maxPacketSize = maxPacketSize;
    }

    /**
     * The PUBLISH for {@code message}, or null when it would be larger than the client accepts: such a message is
     * not sent, and the caller treats it as delivered (MQTT 5.0, 3.1.2.11.4). The size is that of the packet as it will
     * be sent, with its Topic Alias (which adds a property, and may replace the topic name).
     *
     * @param expiresAtMillis when the message expires, or {@link Long#MAX_VALUE}
     * @param subscriptionIds the identifiers of the subscriptions it is delivered for (MQTT 5 only)
     * @param packetIds gives the packet id of a QoS 1 or 2 message, once it is certain to be sent
     */
    MqttPublishMessage encode(String topic, int qos, boolean retain, boolean dup, Message message, long expiresAtMillis,
            long nowMillis, List<Integer> subscriptionIds, IntSupplier packetIds) {
        return encode(topic, qos, retain, dup, message, expiresAtMillis, nowMillis, subscriptionIds, packetIds, true);
    }

    /**
     * As {@link #encode(String, int, boolean, boolean, Message, long, long, List, IntSupplier)}; with
     * {@code mayAlias} false, the PUBLISH carries its topic name and neither takes nor uses a Topic Alias: for one
     * that will be written later than PUBLISH packets encoded after it, which must not depend on an alias it sets.
     */
    MqttPublishMessage encode(String topic, int qos, boolean retain, boolean dup, Message message, long expiresAtMillis,
            long nowMillis, List<Integer> subscriptionIds, IntSupplier packetIds, boolean mayAlias) {
        MqttProperties properties = MqttProperties.NO_PROPERTIES;
        if (v5) { // A 3.1.1 connection may resume a v5 session: no identifiers then.
            properties = PublishProperties.toWire(message, expiresAtMillis, nowMillis);
            for (int id : subscriptionIds) {
                properties.add(new MqttProperties.IntegerProperty(
                        MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), id));
            }
        }
        // Measured as it will be sent, Topic Alias included; a message not sent takes no alias and no packet id.
        TopicAliases.Outgoing named = mayAlias ? aliases.peek(topic) : new TopicAliases.Outgoing(topic, 0);
        MqttProperties sent = properties;
        if (named.alias() > 0) {
            sent = new MqttProperties();
            properties.listAll().forEach(sent::add);
            sent.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.TOPIC_ALIAS.value(),
                    named.alias()));
        }
        if (PacketSizes.publish(named.topic(), qos, sent, v5, message.size()) <= maxPacketSize) {
            if (mayAlias) {
                aliases.send(topic);
            }
        } else if (named.alias() > 0 && !named.topic().isEmpty()
                && PacketSizes.publish(topic, qos, properties, v5, message.size()) <= maxPacketSize) {
            named = new TopicAliases.Outgoing(topic, 0); // Fits only without the new alias: sent without one.
            sent = properties;
        } else {
            return null;
        }
        int packetId = qos == 0 ? 0 : packetIds.getAsInt();
        return new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, dup && qos > 0, MqttQoS.valueOf(qos), retain, 0),
                new MqttPublishVariableHeader(named.topic(), packetId, sent),
                Unpooled.wrappedBuffer(message.payload()));
    }
}
