package dev.lintas.broker.mqtt;

import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * One SUBSCRIBE, checked, and its SUBACK as its filters are granted or refused in turn. {@link MqttHandler} makes the
 * subscriptions; this holds what the packet asks and what the answer says. Event loop only, one per SUBSCRIBE.
 */
final class MqttSubscribeRequest {

    private final MqttSubscribeMessage msg;
    private final boolean v5;
    private final List<Integer> codes = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();

    MqttSubscribeRequest(MqttSubscribeMessage msg, boolean v5) {
        this.msg = msg;
        this.v5 = v5;
    }

    /**
     * What makes the whole SUBSCRIBE a protocol error, or null: more than one Subscription Identifier, or one of 0
     * (MQTT 5 3.8.2.1.2), and No Local on a shared subscription [MQTT-3.8.3-4].
     */
    String violation() {
        List<? extends MqttProperties.MqttProperty> ids = subscriptionIds();
        if (ids.size() > 1 || !ids.isEmpty() && (Integer) ids.get(0).value() == 0) {
            return "SUBSCRIBE with subscription identifiers "
                    + ids.stream().map(MqttProperties.MqttProperty::value).toList() + " (expected: one, not 0)";
        }
        if (msg.payload().topicSubscriptions().stream().anyMatch(sub -> sub.option().isNoLocal()
                && MqttSharedGroups.Shared.parse(sub.topicFilter()) != null)) {
            return "No Local on a shared subscription";
        }
        return null;
    }

    /** The Subscription Identifier its subscriptions get, or 0 for none. */
    int subscriptionId() {
        List<? extends MqttProperties.MqttProperty> ids = subscriptionIds();
        return ids.isEmpty() ? 0 : (Integer) ids.get(0).value();
    }

    private List<? extends MqttProperties.MqttProperty> subscriptionIds() {
        return msg.idAndPropertiesVariableHeader().properties()
                .getProperties(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value());
    }

    /**
     * Refuses {@code filter} if it is not a valid filter or shared subscription, or if {@code limit} (a SUBACK code
     * from {@link MqttLimits#filterRefusal}) refuses it; returns whether it was refused.
     */
    boolean refuses(String filter, MqttSharedGroups.Shared group, int limit) {
        if (group != null ? !group.valid() : !MqttBroker.validFilter(filter)) {
            codes.add(v5 ? 0x8F : 0x80);
            refused.add("'" + filter + "': not a valid " + (group != null ? "shared subscription" : "topic filter"));
            return true;
        }
        if (limit != MqttLimits.ALLOWED) {
            codes.add(limit);
            refused.add("'" + filter + "': over the broker's topic or subscription limits");
            return true;
        }
        return false;
    }

    /** The next filter was granted at {@code qos}. */
    void granted(int qos) {
        codes.add(qos);
    }

    /**
     * The SUBACK: a code per filter, in order, and (v5) a Reason String naming the refusals, when the client allows
     * one and it fits in {@code maxPacketSize}.
     */
    MqttSubAckMessage subAck(boolean problemInformation, long maxPacketSize) {
        MqttProperties properties = refused.isEmpty() || !v5 ? MqttProperties.NO_PROPERTIES
                : ReasonStrings.forAck(String.join("; ", refused), problemInformation, 2 + codes.size(),
                        maxPacketSize);
        // Built by hand: the builder takes QoS values only, not v5 reason codes such as 0x8F.
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(msg.idAndPropertiesVariableHeader().messageId(),
                        properties),
                new MqttSubAckPayload(codes));
    }
}
