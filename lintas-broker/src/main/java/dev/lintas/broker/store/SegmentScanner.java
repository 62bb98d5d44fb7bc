package dev.lintas.broker.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
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

    /** Hands every valid record of the segment to {@code records}, in file order. */
    static void scan(Path file, long segment, boolean newest, Damage damage, Consumer<LogRecord> records)
            throws IOException {
        byte[] data = Files.readAllBytes(file);
        int limit = data.length;
        int position = 0;
        while (position < limit) {
            int size = RecordFormat.check(data, position, limit);
            if (size > 0) {
                records.accept(RecordFormat.read(data, position, segment));
                position += size;
                continue;
            }
            int next = resync(data, position + 1, limit);
            if (next < 0 && newest) {
                log.info("store: segment {} ends with a torn write of {} bytes at offset {}; truncated",
                        file.getFileName(), limit - position, position);
                damage.truncatedBytes += limit - position;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(position);
                    channel.force(true);
                }
                return;
            }
            int end = next < 0 ? limit : next;
            log.warn("store: segment {} is damaged at offset {}: {} bytes skipped", file.getFileName(), position,
                    end - position);
            damage.damagedStretches++;
            damage.skippedBytes += end - position;
            position = end;
        }
    }

    /** The first offset from {@code from} where a valid record starts, or -1. */
    private static int resync(byte[] data, int from, int limit) {
        for (int offset = from; offset + RecordFormat.HEADER <= limit; offset++) {
            if (RecordFormat.check(data, offset, limit) > 0) {
                return offset;
            }
        }
        return -1;
    }
}
