package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.Subscription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The QoS 1 and 2 PUBLISH packets one connection has sent and the client has not yet answered (PUBACK, or PUBREC for
 * QoS 2), by packet id, and the choice of packet ids: an id is never reused while it is in flight here or reserved
 * by the session ({@link MqttSessionState#reserves}: awaiting PUBCOMP, or kept for a re-send).
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
    private int lastPacketId;

    MqttInFlight(MqttSessionState session) {
        this.session = session;
    }

    /** A packet id that is neither in flight nor reserved by the session. */
    int nextPacketId() {
        for (int i = 0; i < 65_535; i++) {
            lastPacketId = lastPacketId % 65_535 + 1;
            if (!sent.containsKey(lastPacketId) && !session.reserves(lastPacketId)) {
                return lastPacketId;
            }
        }
        throw new IllegalStateException("no free packet id");
    }

    /** Whether {@code packetId} may be used now for a re-send that must keep its id. */
    boolean free(int packetId) {
        return !sent.containsKey(packetId);
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
