package dev.lintas.broker.store;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The current record of every key the store keeps, and how many bytes of the log are live: what recovery rebuilt,
 * kept up to date by every append, and what compaction asks to decide which records to keep.
 * <p>
 * A message body has no tombstone: it is live while at least one queue entry refers to it, counted in
 * {@link #bodies}. Every other key maps to its latest record, a tombstone included, until compaction drops the
 * tombstone. Threading: the maps are concurrent; each key's updates come from one owner at a time (the queue's, host's,
 * registry's or retained store's lock), and compaction removes only a tombstone it has just dropped, conditionally.
 */
final class LiveIndex {

    /** The latest record of a key. For a queue entry, also where it stands in its queue and since when. */
    record Live(long lsn, int size, boolean tombstone, long enqueueLsn, long enqueuedAt) {
    }

    /** A stored message body and how many live queue entries refer to it. */
    static final class Body {
        final long lsn;
        final int size;
        int refs;

        Body(long lsn, int size) {
            this.lsn = lsn;
            this.size = size;
        }
    }

    private final ConcurrentHashMap<RecordKey, Live> keys = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Body> bodies = new ConcurrentHashMap<>();
    private final AtomicLong liveBytes = new AtomicLong();

    Live get(RecordKey key) {
        return keys.get(key);
    }

    boolean isLive(RecordKey key) {
        Live live = keys.get(key);
        return live != null && !live.tombstone;
    }

    void put(RecordKey key, Live live) {
        Live previous = keys.put(key, live);
        long delta = live.tombstone ? 0 : live.size;
        if (previous != null && !previous.tombstone) {
            delta -= previous.size;
        }
        liveBytes.addAndGet(delta);
    }

    /** Forgets a key, as a key whose recovered record could not be restored. */
    void forget(RecordKey key) {
        Live previous = keys.remove(key);
        if (previous != null && !previous.tombstone) {
            liveBytes.addAndGet(-previous.size);
        }
    }

    /**
     * Adds a reference to message {@code id}'s body; when it has none yet, {@code write} appends the body and
     * returns its sequence number. Runs {@code write} at most once per body.
     */
    void refer(long id, int size, java.util.function.LongSupplier write) {
        bodies.compute(id, (key, body) -> {
            if (body == null) {
                body = new Body(write.getAsLong(), size);
                liveBytes.addAndGet(size);
            }
            body.refs++;
            return body;
        });
    }

    /** Drops a reference; the body is dead with its last one. */
    void release(long id) {
        bodies.computeIfPresent(id, (key, body) -> {
            if (--body.refs > 0) {
                return body;
            }
            liveBytes.addAndGet(-body.size);
            return null;
        });
    }

    /** Puts back a recovered body with its references. */
    void restoreBody(long id, long lsn, int size, int refs) {
        Body body = new Body(lsn, size);
        body.refs = refs;
        bodies.put(id, body);
        liveBytes.addAndGet(size);
    }

    /**
     * Whether compaction must keep the record of {@code key} with sequence number {@code lsn}: it is its key's current
     * record and not a tombstone. A record
     * superseded by one not yet written ({@code lsn > writtenLsn}), a tombstone included, is kept too, so that the
     * older state is never deleted before the newer one is on disk; and so is such a tombstone itself.
     */
    boolean keeps(RecordKey key, long lsn, long writtenLsn) {
        if (key.kind() == RecordKey.Kind.MESSAGE) {
            Body body = bodies.get((Long) key.id());
            return body != null && (body.lsn == lsn || body.lsn > writtenLsn);
        }
        Live live = keys.get(key);
        if (live == null) {
            return false;
        }
        if (live.lsn == lsn) {
            // A tombstone goes only with every older record of its key, which goes once the tombstone is written.
            return !live.tombstone || live.lsn > writtenLsn;
        }
        return live.lsn > writtenLsn && live.lsn > lsn;
    }

    /** Sees a live record: its sequence number and its size on disk. */
    interface LiveRecords {
        void live(long lsn, int size);
    }

    /**
     * Hands every live record to {@code records}: each key's current record unless it is a tombstone, and each message
     * body with a reference. Weakly consistent: a record that changes meanwhile may be seen before or after.
     */
    void forEachLive(LiveRecords records) {
        keys.forEach((key, live) -> {
            if (!live.tombstone) {
                records.live(live.lsn, live.size);
            }
        });
        bodies.forEach((id, body) -> records.live(body.lsn, body.size));
    }

    /**
     * Forgets the tombstones up to sequence number {@code lsn}, which compaction dropped from the disk, unless a newer
     * record of their key arrived meanwhile.
     */
    void dropTombstonesThrough(long lsn) {
        keys.entrySet().removeIf(entry -> entry.getValue().tombstone && entry.getValue().lsn <= lsn);
    }

    long liveBytes() {
        return liveBytes.get();
    }

    int keyCount() {
        return keys.size();
    }
}
