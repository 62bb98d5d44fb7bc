package dev.lintas.broker.store;

import dev.lintas.broker.core.Binding;
import dev.lintas.broker.core.ExchangeSpec;
import dev.lintas.broker.core.HeldPublish;
import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.Persistence;
import dev.lintas.broker.core.QueueSpec;
import dev.lintas.broker.core.SessionState;
import dev.lintas.broker.core.WillState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;

/**
 * The durable store: the core's {@link Persistence} over a {@link SegmentedLog}. It keeps durable, non-exclusive
 * queues and the persistent messages in them, durable exchanges, bindings between durable ends, retained messages and
 * sessions that outlive their connection; it ignores everything else the core reports. {@link #open} reads the log
 * back; {@link Recovery} then puts what it found into a fresh host, retained store and session registry.
 * <p>
 * Threading: the event methods run on the caller's thread under the core's locks and only encode, append and update
 * the {@link LiveIndex}; the writer, completion and compaction threads do the rest.
 */
public final class DurableStore implements Persistence, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DurableStore.class);

    private final StoreOptions options;
    private final SegmentedLog journal;
    private final LiveIndex index = new LiveIndex();
    private final Recovery recovery;
    private final Compactor compactor;
    /** While recovery puts state back into the core, the core's reports of it are not new records. */
    private volatile boolean muted;

    private DurableStore(Path dir, StoreOptions options) throws IOException {
        this.options = options;
        this.recovery = new Recovery(this, index);
        this.journal = new SegmentedLog(dir, options, recovery::read);
        recovery.indexed(journal);
        this.compactor = new Compactor(journal, index, options);
    }

    /** Reads the log in {@code dir} (created if missing) and starts writing after it. */
    public static DurableStore open(Path dir, StoreOptions options) throws IOException {
        return new DurableStore(dir, options);
    }

    /** What was read back, to restore into the core; see {@link Recovery}. */
    public Recovery recovery() {
        return recovery;
    }

    public FsyncPolicy fsync() {
        return options.fsync();
    }

    /** How many batches failed to write since the store opened (disk full, I/O errors). */
    public long failedWrites() {
        return journal.writer().failedBatches();
    }

    /** The segment the writer appends to now. */
    long journalSegment() {
        return journal.writer().currentSegment();
    }

    /** The bytes of live records, which compaction keeps the log within a small factor of. */
    public long liveBytes() {
        return index.liveBytes();
    }

    /** The bytes of all segment files. */
    public long diskBytes() throws IOException {
        return journal.diskBytes();
    }

    /** Compacts now, on the caller's thread; normally the compaction thread does it when the log has grown. */
    public void compact() throws IOException {
        compactor.compactNow();
    }

    /** Compactions run so far. */
    public long compactions() {
        return compactor.runs();
    }

    /** Segments compaction deleted without reading them, since they held nothing live. */
    long segmentsDeletedUnread() {
        return compactor.deletedUnread();
    }

    void mute(boolean muted) {
        this.muted = muted;
    }

    @Override
    public void close() {
        compactor.close();
        journal.close();
    }

    // ---- Persistence: queue contents.

    @Override
    public void enqueued(String queue, Message message, long enqueuedAt) {
        if (muted || !message.persistent() || !index.isLive(RecordKey.queue(queue))) {
            return;
        }
        byte[] body = Payloads.message(message);
        index.refer(message.id(), RecordFormat.size(body.length), () -> append(RecordType.MESSAGE, body));
        byte[] payload = new Payloads.Writer().string(queue).longValue(message.id()).longValue(enqueuedAt).toBytes();
        long lsn = append(RecordType.ENQUEUED, payload);
        index.put(RecordKey.entry(queue, message.id()),
                new LiveIndex.Live(lsn, RecordFormat.size(payload.length), false, lsn, enqueuedAt));
    }

    @Override
    public void delivered(String queue, Message message) {
        if (!message.persistent()) {
            return; // never stored: spare the lookup on the path of every transient message
        }
        RecordKey key = RecordKey.entry(queue, message.id());
        LiveIndex.Live entry = index.get(key);
        if (muted || entry == null || entry.tombstone()) {
            return;
        }
        byte[] payload = new Payloads.Writer().string(queue).longValue(message.id()).longValue(entry.enqueueLsn())
                .longValue(entry.enqueuedAt()).toBytes();
        long lsn = append(RecordType.DELIVERED, payload);
        index.put(key, new LiveIndex.Live(lsn, RecordFormat.size(payload.length), false, entry.enqueueLsn(),
                entry.enqueuedAt()));
    }

    @Override
    public void removed(String queue, Message message) {
        if (!message.persistent()) {
            return;
        }
        RecordKey key = RecordKey.entry(queue, message.id());
        if (muted || !index.isLive(key)) {
            return;
        }
        tombstone(key, RecordType.REMOVED, new Payloads.Writer().string(queue).longValue(message.id()).toBytes());
        index.release(message.id());
    }

    // ---- Persistence: topology.

    @Override
    public void exchangeDeclared(ExchangeSpec spec) {
        if (!muted && spec.durable()) {
            record(RecordKey.exchange(spec.name()), RecordType.EXCHANGE_DECLARED, Payloads.exchange(spec));
        }
    }

    @Override
    public void exchangeDeleted(String exchange) {
        tombstoneIfLive(RecordKey.exchange(exchange), RecordType.EXCHANGE_DELETED, text(exchange));
    }

    @Override
    public void queueDeclared(QueueSpec spec) {
        if (!muted && spec.durable() && !spec.exclusive()) {
            record(RecordKey.queue(spec.name()), RecordType.QUEUE_DECLARED, Payloads.queue(spec));
        }
    }

    @Override
    public void queueDeleted(String queue) {
        tombstoneIfLive(RecordKey.queue(queue), RecordType.QUEUE_DELETED, text(queue));
    }

    @Override
    public void bound(Binding binding) {
        boolean durableSource = binding.exchange().startsWith("amq.")
                || index.isLive(RecordKey.exchange(binding.exchange()));
        if (!muted && durableSource && index.isLive(RecordKey.queue(binding.queue()))) {
            record(RecordKey.binding(binding), RecordType.BOUND, Payloads.binding(binding));
        }
    }

    @Override
    public void unbound(Binding binding) {
        tombstoneIfLive(RecordKey.binding(binding), RecordType.UNBOUND, Payloads.binding(binding));
    }

    // ---- Persistence: MQTT state.

    @Override
    public void retained(Message message, long retainedAt) {
        if (!muted) {
            Payloads.Writer out = new Payloads.Writer(message.payload().length + 104).longValue(retainedAt);
            Payloads.writeMessage(out, message);
            record(RecordKey.retained(message.routingKey()), RecordType.RETAINED, out.toBytes());
        }
    }

    @Override
    public void retainCleared(String topic) {
        tombstoneIfLive(RecordKey.retained(topic), RecordType.RETAIN_CLEARED, text(topic));
    }

    @Override
    public void sessionSaved(SessionState session) {
        if (session.expiryMillis() == 0) {
            sessionEnded(session.clientId()); // ends with its connection: nothing to keep
        } else if (!muted) {
            record(RecordKey.session(session.clientId()), RecordType.SESSION, Payloads.session(session));
        }
    }

    @Override
    public void sessionEnded(String clientId) {
        tombstoneIfLive(RecordKey.session(clientId), RecordType.SESSION_ENDED, text(clientId));
    }

    @Override
    public void qos2Received(String clientId, int packetId) {
        if (!muted && index.isLive(RecordKey.session(clientId))) {
            record(RecordKey.qos2(clientId, packetId), RecordType.QOS2_RECEIVED, inFlight(clientId, packetId));
        }
    }

    @Override
    public void qos2Released(String clientId, int packetId) {
        tombstoneIfLive(RecordKey.qos2(clientId, packetId), RecordType.QOS2_RELEASED, inFlight(clientId, packetId));
    }

    @Override
    public void qos2Published(String clientId, int packetId, long messageId) {
        if (!muted && index.isLive(RecordKey.session(clientId))) {
            record(RecordKey.qos2Out(clientId, packetId), RecordType.QOS2_PUBLISHED,
                    Payloads.published(clientId, packetId, messageId));
        }
    }

    @Override
    public void sharedQos2Published(HeldPublish publish) {
        if (!muted && index.isLive(RecordKey.session(publish.clientId()))) {
            record(RecordKey.qos2Out(publish.clientId(), publish.packetId()), RecordType.QOS2_PUBLISHED,
                    Payloads.sharedPublished(publish));
        }
    }

    @Override
    public void qos2Sent(String clientId, int packetId) {
        if (!muted && index.isLive(RecordKey.session(clientId))) {
            record(RecordKey.qos2Out(clientId, packetId), RecordType.QOS2_SENT, inFlight(clientId, packetId));
        }
    }

    @Override
    public void qos2Completed(String clientId, int packetId) {
        tombstoneIfLive(RecordKey.qos2Out(clientId, packetId), RecordType.QOS2_COMPLETED,
                inFlight(clientId, packetId));
    }

    @Override
    public void publishHeld(HeldPublish held) {
        if (!muted && index.isLive(RecordKey.session(held.clientId()))) {
            record(RecordKey.qos2Out(held.clientId(), held.packetId()), RecordType.HELD, Payloads.held(held));
        }
    }

    @Override
    public void willPending(WillState will) {
        if (!muted) {
            record(RecordKey.will(will.clientId()), RecordType.WILL, Payloads.will(will));
        }
    }

    @Override
    public void willDone(String clientId) {
        tombstoneIfLive(RecordKey.will(clientId), RecordType.WILL_DONE, text(clientId));
    }

    private static byte[] inFlight(String clientId, int packetId) {
        return new Payloads.Writer().string(clientId).intValue(packetId).toBytes();
    }

    // ---- Persistence: waiting.

    @Override
    public long position() {
        return journal.position();
    }

    @Override
    public CompletionStage<Void> durableSince(long position) {
        return journal.durableSince(position);
    }

    // ---- Helpers.

    private long append(RecordType type, byte[] payload) {
        long lsn = journal.append(type, payload);
        compactor.appended(RecordFormat.size(payload.length));
        return lsn;
    }

    private void record(RecordKey key, RecordType type, byte[] payload) {
        long lsn = append(type, payload);
        index.put(key, new LiveIndex.Live(lsn, RecordFormat.size(payload.length), false, 0, 0));
    }

    private void tombstoneIfLive(RecordKey key, RecordType type, byte[] payload) {
        if (!muted && index.isLive(key)) {
            tombstone(key, type, payload);
        }
    }

    private void tombstone(RecordKey key, RecordType type, byte[] payload) {
        long lsn = append(type, payload);
        index.put(key, new LiveIndex.Live(lsn, RecordFormat.size(payload.length), true, 0, 0));
    }

    private static byte[] text(String text) {
        return new Payloads.Writer().string(text).toBytes();
    }

}
