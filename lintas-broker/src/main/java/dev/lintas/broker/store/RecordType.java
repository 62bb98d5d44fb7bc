package dev.lintas.broker.store;

/**
 * The kinds of record in the log, with the byte that stands for each on disk (never renumber one). Every record
 * belongs to one {@link RecordKey}; for each key the record with the highest sequence number is the current state,
 * and a <em>tombstone</em> says the key is gone.
 */
enum RecordType {
    /** A message's body and properties, written once however many queues it reached. */
    MESSAGE(1, false),
    /** A message entered a queue. */
    ENQUEUED(2, false),
    /** A message was handed out once, unacknowledged: it comes back redelivered. Carries the enqueue fields too. */
    DELIVERED(3, false),
    /** A message left a queue. */
    REMOVED(4, true),
    EXCHANGE_DECLARED(5, false),
    EXCHANGE_DELETED(6, true),
    QUEUE_DECLARED(7, false),
    QUEUE_DELETED(8, true),
    BOUND(9, false),
    UNBOUND(10, true),
    RETAINED(11, false),
    RETAIN_CLEARED(12, true),
    SESSION(13, false),
    SESSION_ENDED(14, true),
    /** A QoS 2 publish's packet id awaits its PUBREL. */
    QOS2_RECEIVED(15, false),
    QOS2_RELEASED(16, true),
    /** An MQTT will waiting for its delay. */
    WILL(17, false),
    WILL_DONE(18, true),
    /** An outgoing QoS 2 message's packet id: the client answered PUBREC, and PUBCOMP has not come yet. */
    QOS2_SENT(19, false),
    QOS2_COMPLETED(20, true),
    /**
     * An outgoing QoS 2 message was sent with this packet id, not answered yet: a re-send keeps the id. One sent from
     * a shared subscription's queue also carries that queue and what a held re-send needs (fields added at the end).
     */
    QOS2_PUBLISHED(21, false),
    /**
     * An outgoing PUBLISH held for the client's next connection, whole (it is in no queue), with its packet id: a
     * shared subscription's QoS 2 message or a retained one, sent and not answered when the connection ended.
     */
    HELD(22, false);

    private static final RecordType[] BY_CODE = new RecordType[128];

    static {
        for (RecordType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    final byte code;
    final boolean tombstone;

    RecordType(int code, boolean tombstone) {
        this.code = (byte) code;
        this.tombstone = tombstone;
    }

    /** The type with this code, or null for a code this version does not know. */
    static RecordType of(byte code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
