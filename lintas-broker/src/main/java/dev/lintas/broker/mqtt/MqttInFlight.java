package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.Subscription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The QoS 1 and 2 PUBLISH packets one connection has sent and the client has not yet answered (PUBACK, or PUBREC for
 * QoS 2), by packet id. The packet ids themselves are the session's ({@link MqttSessionState#newPacketId}): an id is
 * never reused while it is in flight on any connection of the session or reserved by it (awaiting PUBCOMP, kept for
 * a re-send, held).
 * <p>
 * Event loop only.
 */
final class MqttInFlight {

    /**
     * One PUBLISH awaiting its answer.
     *
     * @param tag the core delivery to acknowledge on the answer, or -1 when there is none (a retained message, or a
     *        re-send of one the session kept)
     * @param from the core subscription the delivery came through, or null with no delivery
     * @param expiresAtMillis when the message expires, or {@link Long#MAX_VALUE}: a re-send carries what remains
     * @param subscriptionIds the subscription identifiers the PUBLISH carried, which a re-send carries too
     */
    record Outgoing(int packetId, int qos, long tag, Subscription from, String topic, boolean retain,
            Message message, long expiresAtMillis, List<Integer> subscriptionIds) {

        /** Acknowledges the core delivery, if there is one: the client has the message now. */
        void settle() {
            if (tag >= 0 && from != null) {
                from.ack(tag, false);
            }
        }
    }

    private final MqttSessionState session;
    private final Map<Integer, Outgoing> sent = new HashMap<>();

    MqttInFlight(MqttSessionState session) {
        this.session = session;
    }

    /**
     * A packet id for a new PUBLISH: not on the wire on any connection of the session, nor reserved by it. The
     * session takes the ids, so that a connection that takes the session over never gives a new PUBLISH an id that
     * the connection it replaces may still hold for a re-send.
     */
    int nextPacketId() {
        return session.newPacketId();
    }

    /** Takes {@code packetId} for a re-send that must keep it; false if a PUBLISH on the wire has it. */
    boolean take(int packetId) {
        return session.takeKept(packetId);
    }

    void add(Outgoing outgoing) {
        sent.put(outgoing.packetId(), outgoing);
    }

    /** Removes and returns the PUBLISH an answer of {@code qos} names, or null if none at that QoS is in flight. */
    Outgoing answered(int packetId, int qos) {
        Outgoing outgoing = sent.get(packetId);
        if (outgoing == null || outgoing.qos() != qos) {
            return null;
        }
        return sent.remove(packetId);
    }

    int size() {
        return sent.size();
    }

    /** Forgets everything in flight, returning it; the connection ended. */
    List<Outgoing> clear() {
        List<Outgoing> all = new ArrayList<>(sent.values());
        sent.clear();
        return all;
    }
}
