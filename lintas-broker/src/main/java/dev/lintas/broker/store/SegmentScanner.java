package dev.lintas.broker.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Reads a segment back at recovery and decides what to do with what is not a valid record:
 * <ul>
 *   <li>a bad stretch followed by valid records is <em>damage</em>: it is skipped, and its segment, offset and size
 *       are logged and counted;</li>
 *   <li>a bad stretch at the end of the newest segment is a <em>torn tail</em>, the write a crash interrupted (it was
 *       never reported durable): the file is truncated to its last valid record;</li>
 *   <li>a bad stretch at the end of an older segment is damage too (such a segment was closed after a write error).</li>
 * </ul>
 * Nothing is ever refused: recovery goes on with everything valid.
 */
final class SegmentScanner {

    private static final Logger log = LoggerFactory.getLogger(SegmentScanner.class);

    /** What recovery found wrong, over all segments. */
    static final class Damage {
        int damagedStretches;
        long skippedBytes;
        long truncatedBytes;
    }

    private SegmentScanner() {
    }

    /**
     * Hands every valid record of the segment to {@code records}, in file order. The file is read through a window
     * ({@link #WINDOW} bytes, more only for a record that is bigger), never whole: a compacted segment can be far larger
     * than memory allows, or than an array holds.
     */
    static void scan(Path file, long segment, boolean newest, Damage damage, Consumer<LogRecord> records)
            throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Window window = new Window(channel);
            long end = window.fileSize;
            long position = 0;
            while (position < end) {
                int size = window.check(position);
                if (size > 0) {
                    records.accept(window.read(position, segment));
                    position += size;
                    continue;
                }
                long next = resync(window, position + 1);
                if (next < 0 && newest) {
                    log.info("store: segment {} ends with a torn write of {} bytes at offset {}; truncated",
                            file.getFileName(), end - position, position);
                    damage.truncatedBytes += end - position;
                    try (FileChannel writable = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        writable.truncate(position);
                        writable.force(true);
                    }
                    return;
                }
                long stop = next < 0 ? end : next;
                log.warn("store: segment {} is damaged at offset {}: {} bytes skipped", file.getFileName(), position,
                        stop - position);
                damage.damagedStretches++;
                damage.skippedBytes += stop - position;
                position = stop;
            }
        }
    }

    /** The first offset from {@code from} where a valid record starts, or -1. */
    private static long resync(Window window, long from) throws IOException {
        for (long offset = from; offset + RecordFormat.HEADER <= window.fileSize; offset++) {
            if (window.check(offset) > 0) {
                return offset;
            }
        }
        return -1;
    }

    /** How much of a segment is in memory at once, unless one record is bigger. */
    static final int WINDOW = 1 << 20;

    /** A stretch of the file in memory, {@code data[0]} being the byte at file offset {@code base}. */
    private static final class Window {
        private final FileChannel channel;
        private final long fileSize;
        private byte[] data = new byte[WINDOW];
        private long base;
        private int length;

        Window(FileChannel channel) throws IOException {
            this.channel = channel;
            this.fileSize = channel.size();
        }

        /** The size of the valid record at file offset {@code offset}, or -1. */
        int check(long offset) throws IOException {
            if (!load(offset, RecordFormat.HEADER)) {
                return -1;
            }
            int at = (int) (offset - base);
            int payload = RecordFormat.payloadLength(data, at);
            if (payload < 0 || payload > RecordFormat.MAX_PAYLOAD
                    || payload > fileSize - offset - RecordFormat.HEADER) {
                return -1;
            }
            if (!load(offset, RecordFormat.HEADER + payload)) {
                return -1;
            }
            at = (int) (offset - base);
            return RecordFormat.check(data, at, length);
        }

        /** The record at {@code offset}, which {@link #check} just accepted. */
        LogRecord read(long offset, long segment) {
            return RecordFormat.read(data, (int) (offset - base), segment, offset);
        }

        /** Makes the {@code size} bytes from file offset {@code offset} present; false if the file is shorter. */
        private boolean load(long offset, int size) throws IOException {
            if (offset + size > fileSize) {
                return false;
            }
            if (offset >= base && offset + size <= base + length) {
                return true;
            }
            int keep = offset >= base && offset < base + length ? (int) (base + length - offset) : 0;
            byte[] target = size > data.length ? new byte[size] : data;
            if (keep > 0) {
                System.arraycopy(data, (int) (offset - base), target, 0, keep);
            }
            data = target;
            base = offset;
            length = keep;
            java.nio.ByteBuffer into = java.nio.ByteBuffer.wrap(data, length, data.length - length);
            while (length < size) {
                int read = channel.read(into, base + length);
                if (read < 0) {
                    return false;
                }
                length += read;
            }
            return true;
        }
    }
}
