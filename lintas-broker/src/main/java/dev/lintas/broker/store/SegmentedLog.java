package dev.lintas.broker.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The log: numbered segment files in one directory ({@code 00000000000000000001.seg} and on), read back in order at
 * open, then appended to by one {@link LogWriter} in a new segment. Segments before the one being written are sealed:
 * nothing writes them again, and only compaction replaces or deletes them.
 */
final class SegmentedLog {

    static final String SUFFIX = ".seg";
    /** A compaction's output before it takes its place; one left over from a crash is deleted at open. */
    static final String PARTIAL_SUFFIX = ".seg.partial";

    private final Path dir;
    private final NavigableSet<Long> sealed = new ConcurrentSkipListSet<>();
    private final SegmentScanner.Damage damage = new SegmentScanner.Damage();
    private final LogWriter writer;
    private long records;

    /** Reads every segment in {@code dir}, handing each valid record to {@code replay}, and starts the writer. */
    SegmentedLog(Path dir, StoreOptions options, Consumer<LogRecord> replay) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        List<Long> ids = existing(dir);
        long[] lastLsn = {0};
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            SegmentScanner.scan(file(dir, id), id, i == ids.size() - 1, damage, record -> {
                lastLsn[0] = Math.max(lastLsn[0], record.lsn());
                records++;
                replay.accept(record);
            });
            sealed.add(id);
        }
        long next = ids.isEmpty() ? 1 : ids.get(ids.size() - 1) + 1;
        this.writer = new LogWriter(dir, options, next, lastLsn[0], sealed::add);
    }

    static Path file(Path dir, long id) {
        return dir.resolve(String.format("%020d", id) + SUFFIX);
    }

    /** The segment ids in {@code dir}, in order; deletes leftover partial compaction output. */
    private static List<Long> existing(Path dir) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(PARTIAL_SUFFIX)) {
                    Files.delete(file);
                } else if (name.endsWith(SUFFIX)) {
                    try {
                        ids.add(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
                    } catch (NumberFormatException e) {
                        // not one of ours
                    }
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    Path dir() {
        return dir;
    }

    LogWriter writer() {
        return writer;
    }

    long append(RecordType type, byte[] payload) {
        return writer.append(type, payload);
    }

    long position() {
        return writer.position();
    }

    CompletionStage<Void> durableSince(long position) {
        return writer.durableSince(position);
    }

    /** The sealed segments, oldest first; compaction removes the ones it replaces. */
    NavigableSet<Long> sealed() {
        return sealed;
    }

    /** What recovery skipped or truncated. */
    SegmentScanner.Damage damage() {
        return damage;
    }

    /** How many valid records recovery read. */
    long recoveredRecords() {
        return records;
    }

    /** The bytes of all segment files now. */
    long diskBytes() throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(SUFFIX)) {
                    try {
                        total += Files.size(file);
                    } catch (java.nio.file.NoSuchFileException e) {
                        // deleted by compaction meanwhile
                    }
                }
            }
        }
        return total;
    }

    void close() {
        writer.close();
    }
}
