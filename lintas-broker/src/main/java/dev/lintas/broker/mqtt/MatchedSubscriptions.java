package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.Session;
import dev.lintas.broker.core.SubscriptionOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How one message from a session's queue goes out: the session's subscriptions whose filters match its topic,
 * combined into one PUBLISH. A message enters a session's queue once however many of its filters match, so overlapping
 * subscriptions give one delivery, which MQTT 5 allows (3.3.4): at the highest QoS granted among them (capped by the
 * published QoS), with the identifiers of all of them.
 * <p>
 * A subscription with no-local does not count for a message its own client published. The retain flag is kept only
 * when a counting subscription has retain-as-published and the message was published with it.
 *
 * @param qos the QoS to deliver with
 * @param retain the retain flag to deliver with
 * @param subscriptionIds the subscription identifiers of the counting subscriptions that have one
 */
record MatchedSubscriptions(int qos, boolean retain, List<Integer> subscriptionIds) {

    /**
     * How {@code message}, on MQTT topic {@code topic}, is delivered to {@code session}; null when no subscription
     * counts for it (none matches any more, or only no-local ones and the session's own client published it).
     */
    static MatchedSubscriptions of(Session<?> session, String topic, Message message) {
        Map<String, Object> properties = message.properties();
        int published = properties.get(MqttBroker.QOS) instanceof Integer q ? q : 1;
        boolean own = session.clientId().equals(properties.get(MqttBroker.PUBLISHER));
        int best = -1;
        boolean retainAsPublished = false;
        List<Integer> ids = List.of();
        for (Map.Entry<String, SubscriptionOptions> entry : session.subscriptions().entrySet()) {
            SubscriptionOptions options = entry.getValue();
            // A shared subscription's messages come through its group's queue: see ofShared.
            if (own && options.noLocal() || MqttSharedGroups.Shared.parse(entry.getKey()) != null
                    || !MqttBroker.matches(entry.getKey(), topic)) {
                continue;
            }
            best = Math.max(best, options.qos());
            retainAsPublished |= options.retainAsPublished();
            if (options.subscriptionId() > 0) {
                if (ids.isEmpty()) {
                    ids = new ArrayList<>(2);
                }
                ids.add(options.subscriptionId());
            }
        }
        if (best < 0) {
            return null;
        }
        return new MatchedSubscriptions(Math.min(best, published),
                retainAsPublished && Boolean.TRUE.equals(properties.get(MqttBroker.RETAIN)), ids);
    }

    /**
     * How {@code message} from a shared subscription's group queue is delivered: with that subscription's own options
     * only (its QoS capped by the published QoS, its identifier); the session's other filters play no part. (No Local
     * is not allowed on a shared subscription.)
     */
    static MatchedSubscriptions ofShared(SubscriptionOptions options, Message message) {
        Map<String, Object> properties = message.properties();
        int published = properties.get(MqttBroker.QOS) instanceof Integer q ? q : 1;
        return new MatchedSubscriptions(Math.min(options.qos(), published),
                options.retainAsPublished() && Boolean.TRUE.equals(properties.get(MqttBroker.RETAIN)),
                options.subscriptionId() > 0 ? List.of(options.subscriptionId()) : List.of());
    }
}
