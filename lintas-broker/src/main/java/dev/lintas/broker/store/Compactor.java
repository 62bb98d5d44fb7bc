package dev.lintas.broker.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the log within a small factor of its live records. Once the segment files are more than
 * {@link StoreOptions#compactionFactor()} times the live bytes (and over {@link StoreOptions#compactionMinBytes()}),
 * the compaction thread rewrites every sealed segment into one: it keeps each key's current record (asking the
 * {@link LiveIndex}), drops superseded records and tombstones, and deletes the segments it replaced. A segment with
 * nothing live (the index says which, by sequence number) is deleted without being read, and the live records of
 * the others move into the compacted one.
 * <p>
 * It never stalls appends: the writer goes on with its own segment, and compaction reads only sealed files and the
 * concurrent index. Records keep their sequence numbers, so moving them changes nothing that recovery concludes.
 * Dropping a tombstone is safe because the compacted range always starts at the oldest segment: every older record of
 * that key is in the range and is dropped with it. A record superseded by one not yet written is kept.
 * <p>
 * Crash safety: the output is written as {@code .seg.partial}, forced, renamed to {@code FROM-TO.seg}, and only then
 * are the old segments deleted. A partial file left by a crash is deleted at open, and so are old segments that a
 * compacted file covers.
 */
final class Compactor {

    private static final Logger log = LoggerFactory.getLogger(Compactor.class);

    private final SegmentedLog journal;
    private final LiveIndex index;
    private final StoreOptions options;
    private final ExecutorService thread;
    private final AtomicLong appendedSinceCheck = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong deletedUnread = new AtomicLong();
    /** The id of the last compacted segment. Compaction thread (or a caller of compactNow) only, under this. */
    private volatile long lastCompacted = -1;

    Compactor(SegmentedLog journal, LiveIndex index, StoreOptions options) {
        this.journal = journal;
        this.index = index;
        this.options = options;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread compaction = new Thread(runnable, "lintas-store-compaction");
            compaction.setDaemon(true);
            compaction.setPriority(Thread.MIN_PRIORITY);
            return compaction;
        });
    }

    /** Counts appended bytes; every half segment's worth, checks on the compaction thread whether to compact. */
    void appended(int bytes) {
        if (appendedSinceCheck.addAndGet(bytes) > options.segmentBytes() / 2 && scheduled.compareAndSet(false, true)) {
            appendedSinceCheck.set(0);
            try {
                thread.execute(this::check);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled.set(false); // closing
            }
        }
    }

    long runs() {
        return runs.get();
    }

    /** Segments deleted without being read, as they held nothing live. */
    long deletedUnread() {
        return deletedUnread.get();
    }

    /** Compacts while the log is too big and there are sealed segments it has not compacted yet. */
    private void check() {
        scheduled.set(false);
        try {
            while (tooBig() && !(journal.sealed().size() == 1 && journal.sealed().first() == lastCompacted)) {
                compactNow();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("store: compaction failed; it is tried again later", e);
        }
    }

    private boolean tooBig() throws IOException {
        long disk = journal.diskBytes();
        return disk > options.compactionMinBytes() && disk > options.compactionFactor() * index.liveBytes();
    }

    /**
     * Rewrites every sealed segment into one. Only segments that hold a live record are read: the others are deleted
     * unread, tombstones and all. That is safe because the writer is first made to catch up with everything appended
     * before the index was read, so a record the index no longer names has its newer state on disk.
     */
    synchronized void compactNow() throws IOException {
        List<Long> prefix = new ArrayList<>(journal.sealed());
        if (prefix.isEmpty()) {
            return;
        }
        long from = prefix.get(0);
        long to = prefix.get(prefix.size() - 1);
        long through = journal.lastLsn(to);
        long[] live = liveBytes(prefix);
        // With a failed write since open, the index may be ahead of the disk: then read everything, and keep every
        // superseded record and every tombstone.
        long written = caughtUp() ? journal.writer().processedLsn() : -1;
        Path partial = journal.dir().resolve(String.format("%020d", to) + SegmentedLog.PARTIAL_SUFFIX);
        long before = 0;
        long after;
        int read = 0;
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
            for (int i = 0; i < prefix.size(); i++) {
                long id = prefix.get(i);
                Path file = journal.path(id);
                before += Files.size(file);
                if (live[i] == 0 && written >= 0) {
                    continue;
                }
                read++;
                long keepsFrom = written;
                SegmentScanner.scan(file, id, false, new SegmentScanner.Damage(), record -> {
                    RecordKey key;
                    try {
                        key = StoredRecord.decodeKey(record);
                    } catch (IOException e) {
                        return; // unreadable: recovery logged and skipped it already
                    }
                    if (index.keeps(key, record.lsn(), keepsFrom)) {
                        copy(out, buffer, record);
                    }
                });
            }
            drain(out, buffer);
            out.force(true);
            after = out.size();
        }
        Path compacted = SegmentedLog.compactedFile(journal.dir(), from, to);
        Files.move(partial, compacted, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(journal.dir());
        List<Path> old = new ArrayList<>();
        for (long id : prefix) {
            old.add(journal.path(id));
        }
        journal.replaced(to, compacted);
        for (int i = 0; i < prefix.size(); i++) {
            if (!old.get(i).equals(compacted)) {
                Files.deleteIfExists(old.get(i));
            }
            if (prefix.get(i) != to) {
                journal.deleted(prefix.get(i));
            }
        }
        forceDirectory(journal.dir());
        index.dropTombstonesThrough(Math.min(through, written));
        lastCompacted = to;
        runs.incrementAndGet();
        deletedUnread.addAndGet(prefix.size() - read);
        log.info("store: compacted {} segments of {} bytes into {} bytes (read {}, deleted {} with nothing live unread)",
                prefix.size(), before, after, read, prefix.size() - read);
    }

    /** The bytes of live records in each of the {@code segments}, from the index. */
    private long[] liveBytes(List<Long> segments) {
        long[] lastLsns = new long[segments.size()];
        for (int i = 0; i < lastLsns.length; i++) {
            lastLsns[i] = journal.lastLsn(segments.get(i));
        }
        long[] live = new long[segments.size()];
        index.forEachLive((lsn, size) -> {
            int at = java.util.Arrays.binarySearch(lastLsns, lsn);
            if (at < 0) {
                at = -at - 1; // the first segment whose last sequence number is above lsn
            } else {
                while (at > 0 && lastLsns[at - 1] == lsn) {
                    at--; // segments without records repeat the last number before them
                }
            }
            if (at < live.length) {
                live[at] += size;
            }
        });
        return live;
    }

    /** Waits for the writer to write everything appended so far; false if a write ever failed since open. */
    private boolean caughtUp() {
        if (journal.writer().failedBatches() > 0) {
            return false;
        }
        try {
            journal.durableSince(0).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return journal.writer().failedBatches() == 0;
    }

    private static void copy(FileChannel out, ByteBuffer buffer, LogRecord record) {
        try {
            int size = RecordFormat.size(record.payload().length);
            if (buffer.remaining() < size) {
                drain(out, buffer);
            }
            ByteBuffer target = buffer.capacity() >= size ? buffer : ByteBuffer.allocate(size);
            RecordFormat.write(target, record.type(), record.lsn(), record.payload());
            if (target != buffer) {
                drain(out, target);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void drain(FileChannel out, ByteBuffer buffer) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        buffer.clear();
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
