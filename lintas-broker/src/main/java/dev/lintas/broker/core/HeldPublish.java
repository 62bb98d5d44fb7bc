package dev.lintas.broker.core;

import java.util.List;
import java.util.Objects;

/**
 * An outgoing MQTT PUBLISH that a session holds for its client's next connection, as the durable store keeps it: one
 * that was sent, not answered when the connection ended (or when the broker stopped), and has no queue to go back to
 * (a shared subscription's QoS 2 message, which must not go to another member, or a retained one). Its re-send keeps
 * the packet id.
 *
 * @param clientId the client it is held for
 * @param packetId the packet id it was sent with
 * @param qos its QoS, 1 or 2
 * @param topic the MQTT topic name it was sent to
 * @param retain the retain flag it was sent with
 * @param expiresAtMillis when the message expires, in milliseconds of the host's clock, or {@link Long#MAX_VALUE}
 * @param subscriptionIds the MQTT 5 subscription identifiers it was sent with
 * @param message the message, whole: it is in no queue any more
 * @param queue the queue it was taken out of, which recovery must not put it back in (other queues keep their own
 *        copies of the message); empty when it came from none (a retained message sent on subscribe, or a held one
 *        re-sent); null when not known (a record written before the store kept it), and then recovery puts the
 *        message back in no queue at all
 */
public record HeldPublish(String clientId, int packetId, int qos, String topic, boolean retain, long expiresAtMillis,
        List<Integer> subscriptionIds, Message message, String queue) {

    public HeldPublish {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(message, "message");
        subscriptionIds = List.copyOf(subscriptionIds);
    }
}
