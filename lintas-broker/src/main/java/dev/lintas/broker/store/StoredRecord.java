package dev.lintas.broker.store;

import dev.lintas.broker.core.Message;

import java.io.IOException;

/**
 * A record decoded: the key it belongs to and what it says about that key. For each key, the record with the highest
 * sequence number is the current state; a tombstone (a null {@link #value}) says the key is gone.
 *
 * @param key what the record is about
 * @param lsn its sequence number
 * @param type its type
 * @param value the state it records: a {@code Message}, {@link Entry}, {@code ExchangeSpec}, {@code QueueSpec},
 *        {@code Binding}, {@link Retained}, {@code SessionState}, {@link RecordKey.InFlight} or {@code WillState}; null for a
 *        tombstone
 * @param size its size on disk
 */
record StoredRecord(RecordKey key, long lsn, RecordType type, Object value, int size) {

    /** A message in a queue: where it stood in the queue's order (its enqueue's sequence number) and since when. */
    record Entry(String queue, long messageId, long enqueueLsn, long enqueuedAt, boolean delivered) {
    }

    /** A retained message and since when. */
    record Retained(Message message, long retainedAt) {
    }

    /**
     * Only the key of {@code record}, which compaction needs for every record it reads: the frequent kinds (message
     * bodies and queue entries) without decoding the rest.
     */
    static RecordKey decodeKey(LogRecord record) throws IOException {
        return switch (record.type()) {
            case MESSAGE -> RecordKey.message(new Payloads.Reader(record.payload()).longValue());
            case ENQUEUED, DELIVERED, REMOVED -> {
                Payloads.Reader in = new Payloads.Reader(record.payload());
                yield RecordKey.entry(in.string(), in.longValue());
            }
            default -> decode(record).key();
        };
    }

    static StoredRecord decode(LogRecord record) throws IOException {
        Payloads.Reader in = new Payloads.Reader(record.payload());
        int size = RecordFormat.size(record.payload().length);
        RecordKey key;
        Object value;
        switch (record.type()) {
            case MESSAGE -> {
                Message message = Payloads.readMessage(in);
                key = RecordKey.message(message.id());
                value = message;
            }
            case ENQUEUED -> {
                String queue = in.string();
                long id = in.longValue();
                key = RecordKey.entry(queue, id);
                value = new Entry(queue, id, record.lsn(), in.longValue(), false);
            }
            case DELIVERED -> {
                String queue = in.string();
                long id = in.longValue();
                key = RecordKey.entry(queue, id);
                value = new Entry(queue, id, in.longValue(), in.longValue(), true);
            }
            case REMOVED -> {
                key = RecordKey.entry(in.string(), in.longValue());
                value = null;
            }
            case EXCHANGE_DECLARED -> {
                var spec = Payloads.readExchange(in);
                key = RecordKey.exchange(spec.name());
                value = spec;
            }
            case EXCHANGE_DELETED -> {
                key = RecordKey.exchange(in.string());
                value = null;
            }
            case QUEUE_DECLARED -> {
                var spec = Payloads.readQueue(in);
                key = RecordKey.queue(spec.name());
                value = spec;
            }
            case QUEUE_DELETED -> {
                key = RecordKey.queue(in.string());
                value = null;
            }
            case BOUND, UNBOUND -> {
                var binding = Payloads.readBinding(in);
                key = RecordKey.binding(binding);
                value = record.type() == RecordType.BOUND ? binding : null;
            }
            case RETAINED -> {
                long at = in.longValue();
                Message message = Payloads.readMessage(in);
                key = RecordKey.retained(message.routingKey());
                value = new Retained(message, at);
            }
            case RETAIN_CLEARED -> {
                key = RecordKey.retained(in.string());
                value = null;
            }
            case SESSION -> {
                var session = Payloads.readSession(in);
                key = RecordKey.session(session.clientId());
                value = session;
            }
            case SESSION_ENDED -> {
                key = RecordKey.session(in.string());
                value = null;
            }
            case WILL -> {
                var will = Payloads.readWill(in);
                key = RecordKey.will(will.clientId());
                value = will;
            }
            case WILL_DONE -> {
                key = RecordKey.will(in.string());
                value = null;
            }
            case QOS2_RECEIVED, QOS2_RELEASED -> {
                RecordKey.InFlight inFlight = new RecordKey.InFlight(in.string(), in.intValue());
                key = new RecordKey(RecordKey.Kind.QOS2, inFlight);
                value = record.type() == RecordType.QOS2_RECEIVED ? inFlight : null;
            }
            case QOS2_PUBLISHED -> {
                var published = Payloads.readPublished(in);
                key = RecordKey.qos2Out(published.clientId(), published.packetId());
                value = published;
            }
            case HELD -> {
                var held = Payloads.readHeld(in);
                key = RecordKey.qos2Out(held.clientId(), held.packetId());
                value = held;
            }
            case QOS2_SENT, QOS2_COMPLETED -> {
                RecordKey.InFlight inFlight = new RecordKey.InFlight(in.string(), in.intValue());
                key = new RecordKey(RecordKey.Kind.QOS2_OUT, inFlight);
                value = record.type() == RecordType.QOS2_SENT ? inFlight : null;
            }
            default -> throw new IOException("unknown record type " + record.type());
        }
        return new StoredRecord(key, record.lsn(), record.type(), value, size);
    }
}
