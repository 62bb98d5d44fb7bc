package dev.lintas.broker.store;

import dev.lintas.broker.core.HeldPublish;
import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.SessionState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What recovery makes of each outgoing QoS 2 PUBLISH that the log says was sent and not answered
 * ({@code QOS2_PUBLISHED} is its key's current record): the broker stopped before the answer came, with the client's
 * connection still open, so nothing decided its fate then.
 * <ul>
 * <li>One from the session's own queue stays as it is: the queue delivers the message again, and the re-send keeps
 *     the packet id.</li>
 * <li>One from a shared subscription's queue becomes a message the session holds ({@link HeldPublish}), as if the
 *     connection had ended before the stop: MQTT 5 (4.8.2) says it is completed with that member, never sent to
 *     another, so its entry is not restored to the group's queue. The record carries what the held re-send needs.</li>
 * <li>One that nothing would re-send with its packet id is dropped, so that the id is not kept for ever: its session
 *     is gone (the entry goes back to the group's queue, as for any member whose session ended), or its message is
 *     not in the queue it came from (a retained message, or an entry lost to damage).</li>
 * </ul>
 * {@link Recovery#restore} applies the outcome: it writes the held records first and only then removes their entries,
 * so a crash between the two leaves a held record whose entry the next recovery removes (as for any held message),
 * never an entry gone with no held record.
 */
final class UnansweredSends {

    /** A send from a group's queue that the session now holds: the entry it leaves, and the record that replaces it. */
    record Held(StoredRecord.Entry entry, StoredRecord record) {

        HeldPublish publish() {
            return (HeldPublish) record.value();
        }
    }

    /** The sends held by their sessions now, oldest first. */
    final List<Held> held = new ArrayList<>();
    /** The sends whose packet ids are free again. */
    final List<RecordKey.Published> dropped = new ArrayList<>();

    private UnansweredSends() {
    }

    /**
     * Sorts the unanswered sends among {@code latest} (each key's current record, after damaged entries were taken
     * out), replacing each held one's record with its {@code HELD} form and removing each dropped one.
     */
    static UnansweredSends sort(Map<RecordKey, StoredRecord> latest) {
        UnansweredSends sends = new UnansweredSends();
        Set<RecordKey> taken = new HashSet<>();
        List<StoredRecord> records = latest.values().stream()
                .filter(record -> record.value() instanceof RecordKey.Published)
                .sorted(Comparator.comparingLong(StoredRecord::lsn)).toList();
        for (StoredRecord record : records) {
            RecordKey.Published sent = (RecordKey.Published) record.value();
            if (!(latest.get(RecordKey.session(sent.clientId())) instanceof StoredRecord kept
                    && kept.value() instanceof SessionState session)) {
                sends.drop(latest, record);
                continue;
            }
            String queue = sent.from() == null ? session.queue() : sent.from().queue();
            boolean fromGroup = !queue.equals(session.queue());
            RecordKey entryKey = RecordKey.entry(queue, sent.messageId());
            // Two sessions cannot both have had one entry: should two records say so, the first keeps it.
            if (!(latest.get(entryKey) instanceof StoredRecord found
                    && found.value() instanceof StoredRecord.Entry entry) || fromGroup && !taken.add(entryKey)) {
                sends.drop(latest, record);
                continue;
            }
            if (fromGroup) {
                Message message = (Message) latest.get(RecordKey.message(sent.messageId())).value();
                RecordKey.SharedSend from = sent.from();
                HeldPublish publish = new HeldPublish(sent.clientId(), sent.packetId(), 2, from.topic(),
                        from.retain(), from.expiresAtMillis(), from.subscriptionIds(), message, queue);
                StoredRecord heldRecord = new StoredRecord(record.key(), record.lsn(), RecordType.HELD, publish,
                        record.size());
                latest.put(record.key(), heldRecord);
                sends.held.add(new Held(entry, heldRecord));
            }
        }
        return sends;
    }

    private void drop(Map<RecordKey, StoredRecord> latest, StoredRecord record) {
        dropped.add((RecordKey.Published) record.value());
        latest.remove(record.key());
    }
}
