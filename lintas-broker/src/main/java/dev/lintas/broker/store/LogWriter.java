package dev.lintas.broker.store;

import dev.lintas.broker.core.Persistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread that writes the log, with group commit.
 * <p>
 * Appenders (event loops, under a queue's lock) add a record to {@code pending} and return at once with its sequence
 * number; nothing they call blocks on the disk. The writer takes everything pending in one swap, writes it in as few
 * writes as the segment size allows, calls fsync once (with {@code fsync: always}), and only then reports the batch
 * durable. Everything appended while that fsync ran is the next batch, so one fsync covers as many records as arrive
 * during one: the busier the broker, the bigger the batches.
 * <p>
 * Waiters ({@link #durableSince}) are entries in the same pending list, behind the records they wait for, so they are
 * settled with the batch that covers them; their futures are completed on a separate completion thread, never on
 * the writer, so that whatever a caller chains on them cannot delay the next write.
 * <p>
 * A write or fsync that fails fails its batch (and the waiters it covers), closes the segment, and the next batch
 * starts a new one: writes resume by themselves once the disk has room again.
 * <p>
 * Threading: {@code pending} and {@code lastLsn} are guarded by {@code lock}; the segment state belongs to the writer
 * thread; {@code processedLsn} and {@code lastFailedLsn} are written by the writer and read by anyone.
 */
final class LogWriter {

    private static final Logger log = LoggerFactory.getLogger(LogWriter.class);

    private record Entry(RecordType type, long lsn, byte[] payload) {
    }

    /** Told of each segment the writer closes, which compaction may then rewrite. */
    interface SealListener {
        /** Segment {@code id} is closed; {@code lastLsn} is the highest sequence number it (or any before it) holds. */
        void sealed(long id, long lastLsn);
    }

    /** Waits for the records after {@code from} up to {@code to}. */
    private record Waiter(long from, long to, CompletableFuture<Void> future) {
    }

    private final Path dir;
    private final FsyncPolicy fsync;
    private final long segmentBytes;
    private final SegmentIo.Opener opener;
    private final SealListener sealed;
    private final ReentrantLock lock = new ReentrantLock();
    private final Thread thread;
    private final ExecutorService completer;
    private final AtomicLong failedBatches = new AtomicLong();

    // Guarded by lock.
    private List<Object> pending = new ArrayList<>();
    private long lastLsn;
    private boolean closed;

    private volatile long processedLsn;
    private volatile long lastFailedLsn;
    private volatile IOException lastFailure;

    // Writer thread only.
    private SegmentIo segment;
    private long segmentId;
    private long segmentSize;
    /** The highest sequence number put in the segment (or, while it has none, in the one before). */
    private long segmentLastLsn;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private boolean dirty;
    private long nextForceAt;
    private boolean failing;

    /**
     * @param nextSegment the id of the first segment to write
     * @param lastLsn the highest sequence number already in the log
     * @param sealed told of each segment the writer closes
     */
    LogWriter(Path dir, StoreOptions options, long nextSegment, long lastLsn, SealListener sealed) {
        this.dir = dir;
        this.fsync = options.fsync();
        this.segmentBytes = options.segmentBytes();
        this.opener = options.opener();
        this.sealed = sealed;
        this.segmentId = nextSegment - 1;
        this.lastLsn = lastLsn;
        this.processedLsn = lastLsn;
        this.segmentLastLsn = lastLsn;
        this.completer = Executors.newSingleThreadExecutor(runnable -> {
            Thread completion = new Thread(runnable, "lintas-store-completion");
            completion.setDaemon(true);
            return completion;
        });
        this.thread = new Thread(this::run, "lintas-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a record and returns its sequence number; never blocks. After {@link #close} the record is dropped, and
     * a wait that covers it fails: an appender holds a core lock, so it is not thrown at.
     */
    long append(RecordType type, byte[] payload) {
        long lsn;
        boolean wake;
        lock.lock();
        try {
            if (closed) {
                lastFailedLsn = ++lastLsn;
                lastFailure = new IOException("the store is closed");
                processedLsn = lastLsn;
                return lastLsn;
            }
            lsn = ++lastLsn;
            pending.add(new Entry(type, lsn, payload));
            wake = pending.size() == 1;
        } finally {
            lock.unlock();
        }
        if (wake) {
            LockSupport.unpark(thread);
        }
        return lsn;
    }

    /** The highest sequence number handed out so far. */
    long position() {
        lock.lock();
        try {
            return lastLsn;
        } finally {
            lock.unlock();
        }
    }

    /** See {@link Persistence#durableSince}. */
    CompletionStage<Void> durableSince(long from) {
        Waiter waiter;
        lock.lock();
        try {
            if (lastLsn <= from) {
                return Persistence.DONE;
            }
            waiter = new Waiter(from, lastLsn, new CompletableFuture<>());
            if (lastLsn > processedLsn) {
                pending.add(waiter);
                if (pending.size() == 1) {
                    LockSupport.unpark(thread);
                }
                return waiter.future;
            }
        } finally {
            lock.unlock();
        }
        settle(waiter); // everything it waits for was processed already
        return waiter.future;
    }

    /** Batches that failed to write since the store opened. */
    long failedBatches() {
        return failedBatches.get();
    }

    /** The highest sequence number whose batch has been written (or failed). */
    long processedLsn() {
        return processedLsn;
    }

    /** The id of the segment being written now. */
    long currentSegment() {
        return segmentId;
    }

    /** Writes what is pending, forces it, and stops both threads. */
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(thread);
        try {
            thread.join();
            completer.shutdown();
            completer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- The writer thread.

    private void run() {
        for (List<Object> batch = awaitBatch(); batch != null; batch = awaitBatch()) {
            process(batch);
        }
        try {
            if (segment != null) {
                if (dirty && fsync != FsyncPolicy.NEVER) {
                    segment.force();
                }
                segment.close();
            }
        } catch (IOException e) {
            log.warn("store: closing segment {} failed", segmentId, e);
        }
    }

    private List<Object> awaitBatch() {
        while (true) {
            lock.lock();
            try {
                if (!pending.isEmpty()) {
                    List<Object> batch = pending;
                    pending = new ArrayList<>(Math.max(16, batch.size()));
                    return batch;
                }
                if (closed) {
                    return null;
                }
            } finally {
                lock.unlock();
            }
            if (fsync.mode() == FsyncPolicy.Mode.EVERY && dirty) {
                long wait = nextForceAt - System.nanoTime();
                if (wait <= 0) {
                    forceQuietly();
                } else {
                    LockSupport.parkNanos(this, wait);
                }
            } else {
                LockSupport.park(this);
            }
        }
    }

    private void process(List<Object> batch) {
        long batchLast = -1;
        IOException failure = null;
        try {
            for (Object item : batch) {
                if (item instanceof Entry entry) {
                    put(entry);
                    batchLast = entry.lsn;
                }
            }
            if (batchLast >= 0) {
                flush();
                commit();
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
            abandonSegment();
        }
        if (batchLast >= 0) {
            if (failure != null) {
                lastFailure = failure;
                lastFailedLsn = batchLast;
                failedBatches.incrementAndGet();
                if (!failing) {
                    log.error("store: a write failed; publishes are refused until writes work again", failure);
                }
            } else if (failing) {
                log.info("store: writes work again after {} failed batches", failedBatches.get());
            }
            failing = failure != null;
            processedLsn = batchLast;
        }
        List<Waiter> waiters = new ArrayList<>();
        for (Object item : batch) {
            if (item instanceof Waiter waiter) {
                waiters.add(waiter);
            }
        }
        if (!waiters.isEmpty()) {
            completer.execute(() -> waiters.forEach(this::settle));
        }
    }

    private void settle(Waiter waiter) {
        if (lastFailedLsn > waiter.from) {
            waiter.future.completeExceptionally(new StoreWriteException(lastFailure));
        } else {
            waiter.future.complete(null);
        }
    }

    private void put(Entry entry) throws IOException {
        int size = RecordFormat.size(entry.payload.length);
        long used = segmentSize + buffer.position();
        if (segment == null || used > 0 && used + size > segmentBytes) {
            flush();
            rotate();
        }
        if (buffer.remaining() < size) {
            flush();
            if (buffer.capacity() < size) {
                buffer = ByteBuffer.allocateDirect(size);
            }
        }
        RecordFormat.write(buffer, entry.type, entry.lsn, entry.payload);
        segmentLastLsn = entry.lsn;
    }

    private void flush() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        int written = buffer.remaining();
        try {
            segment.write(buffer);
        } finally {
            buffer.clear();
        }
        segmentSize += written;
        dirty = true;
    }

    private void commit() throws IOException {
        switch (fsync.mode()) {
            case ALWAYS -> forceSegment();
            case EVERY -> {
                if (System.nanoTime() - nextForceAt >= 0) {
                    forceSegment();
                }
            }
            case NEVER -> { }
        }
    }

    private void forceSegment() throws IOException {
        segment.force();
        dirty = false;
        nextForceAt = System.nanoTime() + fsync.interval().toNanos();
    }

    private void forceQuietly() {
        try {
            if (segment != null) {
                forceSegment();
            }
        } catch (IOException e) {
            log.error("store: fsync failed", e);
            abandonSegment();
        }
    }

    private void rotate() throws IOException {
        if (segment != null) {
            if (dirty && fsync != FsyncPolicy.NEVER) {
                segment.force();
            }
            segment.close();
            segment = null;
            sealed.sealed(segmentId, segmentLastLsn);
        }
        long next = segmentId + 1;
        Path file = SegmentedLog.file(dir, next);
        segment = opener.open(file);
        segmentId = next;
        segmentSize = segment.size();
        dirty = false;
        nextForceAt = System.nanoTime() + fsync.interval().toNanos();
        if (fsync != FsyncPolicy.NEVER) {
            forceDirectory();
        }
    }

    /** A new file's name must reach the disk too, or a power loss can lose the whole segment. */
    private void forceDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** After a failed write the segment's end is unknown: close it, and let the next batch start a new one. */
    private void abandonSegment() {
        buffer.clear();
        if (segment == null) {
            return;
        }
        try {
            segment.close();
        } catch (IOException e) {
            log.debug("store: closing a failed segment", e);
        }
        segment = null;
        sealed.sealed(segmentId, segmentLastLsn);
    }
}
