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
 * nothing live simply disappears, and the live records of mostly dead segments move into the compacted one.
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

    /** Rewrites every sealed segment into one. */
    synchronized void compactNow() throws IOException {
        List<Long> prefix = new ArrayList<>(journal.sealed());
        if (prefix.isEmpty()) {
            return;
        }
        long from = prefix.get(0);
        long to = prefix.get(prefix.size() - 1);
        // With a failed write since open, the index may be ahead of the disk: then keep every superseded record.
        long written = journal.writer().failedBatches() == 0 ? journal.writer().processedLsn() : -1;
        Path partial = journal.dir().resolve(String.format("%020d", to) + SegmentedLog.PARTIAL_SUFFIX);
        List<StoredRecord> droppedTombstones = new ArrayList<>();
        long before = 0;
        long after;
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
            for (long id : prefix) {
                Path file = journal.path(id);
                before += Files.size(file);
                SegmentScanner.scan(file, id, false, new SegmentScanner.Damage(), record -> {
                    StoredRecord decoded;
                    try {
                        decoded = StoredRecord.decode(record);
                    } catch (IOException e) {
                        return; // unreadable: recovery logged and skipped it already
                    }
                    if (index.keeps(decoded, written)) {
                        copy(out, buffer, record);
                    } else if (decoded.value() == null) {
                        droppedTombstones.add(decoded); // forgotten by the index once the output is in place
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
        droppedTombstones.forEach(index::dropped);
        lastCompacted = to;
        runs.incrementAndGet();
        log.info("store: compacted {} segments of {} bytes into {} bytes", prefix.size(), before, after);
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
