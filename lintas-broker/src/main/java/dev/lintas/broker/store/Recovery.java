package dev.lintas.broker.store;

import dev.lintas.broker.core.Binding;
import dev.lintas.broker.core.BrokerException;
import dev.lintas.broker.core.ExchangeSpec;
import dev.lintas.broker.core.HeldPublish;
import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.QueueSpec;
import dev.lintas.broker.core.RetainedStore;
import dev.lintas.broker.core.SessionRegistry;
import dev.lintas.broker.core.SessionState;
import dev.lintas.broker.core.VirtualHost;
import dev.lintas.broker.core.WillState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the store read back at open, and how it goes back into the core. The rule is the same for every kind of state:
 * for each {@link RecordKey} the record with the highest sequence number wins, and a tombstone means gone. So the
 * order of records in the files does not matter, and compaction may move a record without changing what it says.
 * <p>
 * Restoring goes in dependency order: exchanges, queues, bindings (both ends must exist), then each queue's messages in
 * their original enqueue order, with the redelivered flag on those handed out before; message ids restart past the
 * highest one stored. A queue entry whose message body or queue is missing (lost to damage) is logged and counted,
 * never silently dropped. Call {@link #restore}, {@link #restoreRetained} and {@link #restoreSessions} once each,
 * before the broker takes traffic.
 */
public final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final DurableStore store;
    private final LiveIndex index;
    private final long started = System.nanoTime();
    private Map<RecordKey, StoredRecord> latest = new HashMap<>();
    private SegmentedLog journal;
    private long undecodable;
    private long lostEntries;
    private long maxMessageId;
    private final Map<String, Integer> restored = new HashMap<>();
    /** Queue entries not restored because a session holds their message; removed once the store listens again. */
    private final List<StoredRecord.Entry> heldElsewhere = new ArrayList<>();
    /** What becomes of the outgoing QoS 2 sends the stop left unanswered; decided by {@link #restore}. */
    private UnansweredSends sends;

    Recovery(DurableStore store, LiveIndex index) {
        this.store = store;
        this.index = index;
    }

    /** Takes one record from the log scan; the newest record of each key wins. */
    void read(LogRecord record) {
        StoredRecord decoded;
        try {
            decoded = StoredRecord.decode(record);
        } catch (IOException | RuntimeException e) {
            undecodable++;
            log.warn("store: record {} at offset {} of segment {} has a valid checksum but cannot be read ({}); "
                    + "skipped", record.lsn(), record.offset(), record.segment(), e.getMessage());
            return;
        }
        if (decoded.value() instanceof Message message) {
            maxMessageId = Math.max(maxMessageId, message.id());
        } else if (decoded.value() instanceof HeldPublish held) {
            maxMessageId = Math.max(maxMessageId, held.message().id());
        }
        latest.merge(decoded.key(), decoded, (old, found) -> found.lsn() > old.lsn() ? found : old);
    }

    /** Builds the live index from what was read, once the scan is over. */
    void indexed(SegmentedLog journal) {
        this.journal = journal;
        Map<Long, Integer> refs = new HashMap<>();
        for (StoredRecord record : List.copyOf(latest.values())) {
            if (record.key().kind() == RecordKey.Kind.MESSAGE) {
                continue;
            }
            if (record.value() instanceof StoredRecord.Entry entry) {
                if (!latest.containsKey(RecordKey.message(entry.messageId()))) {
                    lose(record, "its message body is missing");
                    continue;
                }
                if (!isLive(RecordKey.queue(entry.queue()))) {
                    lose(record, "its queue is missing");
                    continue;
                }
                refs.merge(entry.messageId(), 1, Integer::sum);
                index.put(record.key(), new LiveIndex.Live(record.lsn(), record.size(), false, entry.enqueueLsn(),
                        entry.enqueuedAt()));
            } else {
                index.put(record.key(), new LiveIndex.Live(record.lsn(), record.size(), record.value() == null, 0, 0));
            }
        }
        refs.forEach((id, count) -> {
            StoredRecord body = latest.get(RecordKey.message(id));
            index.restoreBody(id, body.lsn(), body.size(), count);
        });
    }

    private boolean isLive(RecordKey key) {
        StoredRecord record = latest.get(key);
        return record != null && record.value() != null;
    }

    private void lose(StoredRecord record, String why) {
        lostEntries++;
        latest.remove(record.key());
        if (lostEntries <= 10) {
            log.warn("store: message {} of queue '{}' cannot be restored: {}", ((StoredRecord.Entry) record.value())
                    .messageId(), ((StoredRecord.Entry) record.value()).queue(), why);
        }
    }

    /**
     * Puts the durable exchanges, queues, bindings and queued messages back into {@code host}, which must be fresh and
     * use this store as its persistence. A queued message that a session holds is not put back: one held when its
     * connection ended, and one sent from a shared subscription's queue and not answered before the stop, which
     * becomes held now ({@link UnansweredSends}, {@link #heldPublishes}).
     */
    public void restore(VirtualHost host) {
        store.mute(true);
        try {
            for (StoredRecord record : sorted(ExchangeSpec.class)) {
                attempt(record, () -> host.declareExchange((ExchangeSpec) record.value()), "exchanges");
            }
            for (StoredRecord record : sorted(QueueSpec.class)) {
                attempt(record, () -> host.declareQueue((QueueSpec) record.value(), null), "queues");
            }
            for (StoredRecord record : sorted(Binding.class)) {
                attempt(record, () -> host.bind((Binding) record.value(), null), "bindings");
            }
            List<StoredRecord.Entry> entries = new ArrayList<>();
            for (StoredRecord record : latest.values()) {
                if (record.value() instanceof StoredRecord.Entry entry) {
                    entries.add(entry);
                }
            }
            entries.sort(Comparator.comparingLong(StoredRecord.Entry::enqueueLsn));
            sends = UnansweredSends.sort(latest); // First: the sends it holds now are held records from here on.
            Set<RecordKey> held = new HashSet<>();
            Set<Long> heldFromAnyQueue = new HashSet<>(); // records that do not say which queue it left
            for (StoredRecord record : latest.values()) {
                if (record.value() instanceof HeldPublish publish) {
                    if (publish.queue() == null) {
                        heldFromAnyQueue.add(publish.message().id());
                    } else {
                        held.add(RecordKey.entry(publish.queue(), publish.message().id()));
                    }
                }
            }
            for (StoredRecord.Entry entry : entries) {
                Message message = (Message) latest.get(RecordKey.message(entry.messageId())).value();
                if (held.contains(RecordKey.entry(entry.queue(), entry.messageId()))
                        || heldFromAnyQueue.contains(entry.messageId())) {
                    // Held for a session after it left this queue, and the crash came before the removal was on
                    // disk, or sent from here to a member still connected at the crash: it is the session's now,
                    // and must not be delivered from here too.
                    heldElsewhere.add(entry);
                    continue;
                }
                try {
                    host.restoreMessage(entry.queue(), message, entry.delivered() ? 1 : 0, entry.enqueuedAt());
                    restored.merge("messages", 1, Integer::sum);
                } catch (BrokerException e) {
                    lostEntries++;
                    index.forget(RecordKey.entry(entry.queue(), entry.messageId()));
                    index.release(entry.messageId());
                }
            }
            host.restoreMessageIds(maxMessageId);
        } finally {
            store.mute(false);
        }
        // The held records first: a crash before the removals leaves entries that the next recovery removes.
        for (UnansweredSends.Held send : sends.held) {
            store.publishHeld(send.publish());
        }
        for (StoredRecord.Entry entry : heldElsewhere) {
            store.removed(entry.queue(), (Message) latest.get(RecordKey.message(entry.messageId())).value());
        }
        for (RecordKey.Published send : sends.dropped) {
            store.qos2Completed(send.clientId(), send.packetId());
        }
        if (!sends.held.isEmpty()) {
            log.info("store: {} QoS 2 messages sent from shared subscription queues and not answered before the "
                    + "stop are held by the sessions they were sent to (MQTT 5 4.8.2)", sends.held.size());
        }
        Map<RecordKey, StoredRecord> kept = new HashMap<>();
        latest.forEach((key, record) -> {
            if (key.kind() == RecordKey.Kind.RETAINED || key.kind() == RecordKey.Kind.SESSION
                    || key.kind() == RecordKey.Kind.QOS2 || key.kind() == RecordKey.Kind.QOS2_OUT
                    || key.kind() == RecordKey.Kind.WILL) {
                kept.put(key, record);
            }
        });
        latest = kept;
    }

    private void attempt(StoredRecord record, Runnable action, String what) {
        try {
            action.run();
            restored.merge(what, 1, Integer::sum);
        } catch (BrokerException | IllegalArgumentException e) {
            log.warn("store: record {} cannot be restored ({}); skipped", record.lsn(), e.getMessage());
            index.forget(record.key());
        }
    }

    private List<StoredRecord> sorted(Class<?> kind) {
        return latest.values().stream().filter(record -> kind.isInstance(record.value()))
                .sorted(Comparator.comparingLong(StoredRecord::lsn)).toList();
    }

    /** Puts the retained messages back; those whose time to live has passed are dropped. Returns how many. */
    public int restoreRetained(RetainedStore retained) {
        int count = 0;
        for (StoredRecord record : latest.values()) {
            if (record.value() instanceof StoredRecord.Retained kept) {
                retained.restore(kept.message(), kept.retainedAt());
                count++;
            }
        }
        restored.put("retained", count);
        return count;
    }

    /** Puts the sessions back, offline, with their QoS 2 packet ids awaiting PUBREL; returns how many. */
    public <H> int restoreSessions(SessionRegistry<H> sessions) {
        Map<String, List<Integer>> awaitingRelease = new HashMap<>();
        for (StoredRecord record : latest.values()) {
            if (record.key().kind() == RecordKey.Kind.QOS2 && record.value() instanceof RecordKey.InFlight inFlight) {
                awaitingRelease.computeIfAbsent(inFlight.clientId(), id -> new ArrayList<>()).add(inFlight.packetId());
            }
        }
        int count = 0;
        for (StoredRecord record : latest.values()) {
            if (record.value() instanceof SessionState session) {
                sessions.restore(session, awaitingRelease.getOrDefault(session.clientId(), List.of()));
                count++;
            }
        }
        restored.put("sessions", count);
        return count;
    }

    /**
     * The packet ids of outgoing QoS 2 messages that each client answered with PUBREC and has not completed, by
     * client id, for the adapter to re-send PUBREL for when the session resumes.
     */
    public Map<String, List<Integer>> awaitingComplete() {
        Map<String, List<Integer>> ids = new HashMap<>();
        for (StoredRecord record : latest.values()) {
            if (record.key().kind() == RecordKey.Kind.QOS2_OUT && record.value() instanceof RecordKey.InFlight sent) {
                ids.computeIfAbsent(sent.clientId(), id -> new ArrayList<>()).add(sent.packetId());
            }
        }
        return ids;
    }

    /**
     * The outgoing QoS 2 messages each client was sent and has not answered, by client id: packet id by message id,
     * for the adapter to re-send them with the same packet id.
     */
    public Map<String, Map<Long, Integer>> unansweredPublishes() {
        Map<String, Map<Long, Integer>> ids = new HashMap<>();
        for (StoredRecord record : latest.values()) {
            if (record.value() instanceof RecordKey.Published sent) {
                ids.computeIfAbsent(sent.clientId(), id -> new HashMap<>()).put(sent.messageId(), sent.packetId());
            }
        }
        return ids;
    }

    /**
     * The outgoing PUBLISH packets each session held for its client's next connection, by client id, oldest first:
     * to re-send with their packet ids.
     */
    public Map<String, List<HeldPublish>> heldPublishes() {
        Map<String, List<HeldPublish>> held = new HashMap<>();
        for (StoredRecord record : sorted(HeldPublish.class)) {
            HeldPublish publish = (HeldPublish) record.value();
            held.computeIfAbsent(publish.clientId(), id -> new ArrayList<>()).add(publish);
        }
        return held;
    }

    /**
     * The wills that were waiting for their delay, for the adapter to schedule again (at {@link WillState#publishAt},
     * or at once if that has passed), unless a connection with the same client id comes first.
     */
    public List<WillState> pendingWills() {
        List<WillState> wills = new ArrayList<>();
        for (StoredRecord record : latest.values()) {
            if (record.value() instanceof WillState will) {
                wills.add(will);
            }
        }
        restored.put("wills", wills.size());
        return wills;
    }

    /** Queue entries that could not be restored because damage took their body or their queue. */
    public long lostEntries() {
        return lostEntries;
    }

    /** Stretches of the log skipped as damaged, and records that could not be decoded. */
    public long damagedStretches() {
        return journal.damage().damagedStretches + undecodable;
    }

    /** One line: what was recovered, from how much, how long it took, and what was skipped. */
    public String summary() {
        SegmentScanner.Damage damage = journal.damage();
        StringBuilder line = new StringBuilder("store: recovered ");
        // The host's state is always restored; the MQTT state only once its restore method was called.
        List<String> host = List.of("exchanges", "queues", "bindings", "messages");
        for (String what : List.of("exchanges", "queues", "bindings", "messages", "retained", "sessions", "wills")) {
            if (host.contains(what) || restored.containsKey(what)) {
                line.append(restored.getOrDefault(what, 0)).append(' ').append(what).append(", ");
            }
        }
        line.append("from ").append(journal.recoveredRecords()).append(" records in ")
                .append(journal.sealed().size()).append(" segments in ")
                .append((System.nanoTime() - started) / 1_000_000).append(" ms");
        if (damage.damagedStretches > 0 || undecodable > 0 || lostEntries > 0) {
            line.append("; skipped: damaged stretches ").append(damage.damagedStretches).append(" (")
                    .append(damage.skippedBytes).append(" bytes), unreadable records ").append(undecodable)
                    .append(", queued messages lost to damage ").append(lostEntries);
        }
        if (damage.truncatedBytes > 0) {
            line.append("; truncated a torn write of ").append(damage.truncatedBytes).append(" bytes");
        }
        return line.toString();
    }
}
