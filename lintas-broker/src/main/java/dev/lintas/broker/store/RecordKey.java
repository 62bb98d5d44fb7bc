package dev.lintas.broker.store;

import dev.lintas.broker.core.Binding;

import java.util.List;

/**
 * What a record is about. Records with the same key supersede each other: the one with the highest sequence number
 * is the current state, and compaction keeps only that one (or none, for a tombstone).
 *
 * @param kind the kind of thing
 * @param id which one: a name, a message id, a {@link Binding}, or a (queue, message id) pair
 */
record RecordKey(Kind kind, Object id) {

    enum Kind { MESSAGE, ENTRY, EXCHANGE, QUEUE, BINDING, RETAINED, SESSION, QOS2, WILL, QOS2_OUT }

    /** A message in a queue. */
    record QueueEntry(String queue, long messageId) {
    }

    /** A QoS 2 packet id of a client: awaiting PUBREL ({@link Kind#QOS2}) or PUBCOMP ({@link Kind#QOS2_OUT}). */
    record InFlight(String clientId, int packetId) {
    }

    /**
     * An outgoing QoS 2 PUBLISH of a client, sent with {@code packetId} and not answered yet.
     *
     * @param from where it came from when that was a shared subscription's queue; null when it came from the session's
     *        own queue or was a retained message, and in records written before the store kept this
     */
    record Published(String clientId, int packetId, long messageId, SharedSend from) {
    }

    /**
     * A QoS 2 PUBLISH sent from a shared subscription's queue: the queue, and what the session needs to hold it and
     * re-send it, should the broker stop before the client answers (see {@link Recovery}).
     */
    record SharedSend(String queue, String topic, boolean retain, long expiresAtMillis,
            List<Integer> subscriptionIds) {
    }

    static RecordKey message(long id) {
        return new RecordKey(Kind.MESSAGE, id);
    }

    static RecordKey entry(String queue, long messageId) {
        return new RecordKey(Kind.ENTRY, new QueueEntry(queue, messageId));
    }

    static RecordKey exchange(String name) {
        return new RecordKey(Kind.EXCHANGE, name);
    }

    static RecordKey queue(String name) {
        return new RecordKey(Kind.QUEUE, name);
    }

    static RecordKey binding(Binding binding) {
        return new RecordKey(Kind.BINDING, binding);
    }

    static RecordKey retained(String topic) {
        return new RecordKey(Kind.RETAINED, topic);
    }

    static RecordKey session(String clientId) {
        return new RecordKey(Kind.SESSION, clientId);
    }

    static RecordKey will(String clientId) {
        return new RecordKey(Kind.WILL, clientId);
    }

    static RecordKey qos2(String clientId, int packetId) {
        return new RecordKey(Kind.QOS2, new InFlight(clientId, packetId));
    }

    static RecordKey qos2Out(String clientId, int packetId) {
        return new RecordKey(Kind.QOS2_OUT, new InFlight(clientId, packetId));
    }
}
