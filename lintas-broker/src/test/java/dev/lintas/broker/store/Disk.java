package dev.lintas.broker.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real segment files with a test's hands on them: counts writes and fsyncs, can hold the first fsync until released,
 * and can make writes fail as a full disk does.
 */
public final class Disk implements SegmentIo.Opener {

    final AtomicLong writtenBytes = new AtomicLong();
    final AtomicLong forcedBytes = new AtomicLong();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger forces = new AtomicInteger();
    /** While true, every write and fsync fails with "No space left on device". */
    public final AtomicBoolean full = new AtomicBoolean();
    final CountDownLatch forceEntered = new CountDownLatch(1);
    volatile CountDownLatch holdFirstForce;

    @Override
    public SegmentIo open(Path file) throws IOException {
        SegmentIo real = SegmentIo.FILES.open(file);
        return new SegmentIo() {
            @Override
            public void write(ByteBuffer buffer) throws IOException {
                if (full.get()) {
                    throw new IOException("No space left on device (injected)");
                }
                int size = buffer.remaining();
                real.write(buffer);
                writes.incrementAndGet();
                writtenBytes.addAndGet(size);
            }

            @Override
            public void force() throws IOException {
                forceEntered.countDown();
                CountDownLatch hold = holdFirstForce;
                if (hold != null) {
                    holdFirstForce = null;
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (full.get()) {
                    throw new IOException("No space left on device (injected)");
                }
                long written = writtenBytes.get();
                real.force();
                forces.incrementAndGet();
                forcedBytes.set(written);
            }

            @Override
            public void truncate(long size) throws IOException {
                real.truncate(size);
            }

            @Override
            public long size() throws IOException {
                return real.size();
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        };
    }
}
