package dev.lintas.broker.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The log: numbered segment files in one directory ({@code 00000000000000000001.seg} and on), read back in order at
 * open, then appended to by one {@link LogWriter} in a new segment. Segments before the one being written are sealed:
 * nothing writes them again, and only compaction replaces or deletes them.
 * <p>
 * A compacted segment is named for the range of segments it replaces, {@code FROM-TO.seg}, and takes the id TO. If a
 * crash left some of the segments it replaced behind, open deletes them: everything they held that still mattered is
 * in the compacted segment.
 */
final class SegmentedLog {

    static final String SUFFIX = ".seg";
    /** A compaction's output before it takes its place; one left over from a crash is deleted at open. */
    static final String PARTIAL_SUFFIX = ".seg.partial";

    private final Path dir;
    private final Map<Long, Path> paths = new ConcurrentHashMap<>();
    private final NavigableSet<Long> sealed = new ConcurrentSkipListSet<>();
    /** The highest sequence number in each sealed segment or before it: segment ids and sequence numbers grow together. */
    private final Map<Long, Long> lastLsns = new ConcurrentHashMap<>();
    private final SegmentScanner.Damage damage = new SegmentScanner.Damage();
    private final LogWriter writer;
    private long records;

    /** Reads every segment in {@code dir}, handing each valid record to {@code replay}, and starts the writer. */
    SegmentedLog(Path dir, StoreOptions options, Consumer<LogRecord> replay) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        List<Long> ids = existing(dir, paths);
        long[] lastLsn = {0};
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            SegmentScanner.scan(path(id), id, i == ids.size() - 1, damage, record -> {
                lastLsn[0] = Math.max(lastLsn[0], record.lsn());
                records++;
                replay.accept(record);
            });
            seal(id, lastLsn[0]);
        }
        long next = ids.isEmpty() ? 1 : ids.get(ids.size() - 1) + 1;
        this.writer = new LogWriter(dir, options, next, lastLsn[0], this::seal);
    }

    private void seal(long id, long lastLsn) {
        lastLsns.put(id, lastLsn);
        sealed.add(id);
    }

    /** The highest sequence number in sealed segment {@code id}, or in the segments before it. */
    long lastLsn(long id) {
        return lastLsns.get(id);
    }

    static Path file(Path dir, long id) {
        return dir.resolve(String.format("%020d", id) + SUFFIX);
    }

    /** The name of a compacted segment that replaces segments {@code from} to {@code to}. */
    static Path compactedFile(Path dir, long from, long to) {
        return dir.resolve(String.format("%020d-%020d", from, to) + SUFFIX);
    }

    /** The file of segment {@code id}. */
    Path path(long id) {
        return paths.getOrDefault(id, file(dir, id));
    }

    /** Records that segment {@code id} is now the compacted file {@code file}. */
    void replaced(long id, Path file) {
        paths.put(id, file);
    }

    /** Forgets a segment that compaction deleted. */
    void deleted(long id) {
        sealed.remove(id);
        paths.remove(id);
        lastLsns.remove(id);
    }

    /**
     * The segment ids in {@code dir}, in order, with their files in {@code paths}; deletes leftover partial compaction
     * output, and segments that a compacted segment replaced.
     */
    private static List<Long> existing(Path dir, Map<Long, Path> paths) throws IOException {
        record Found(long from, long id, Path file, boolean compacted) {
        }
        List<Found> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(PARTIAL_SUFFIX)) {
                    Files.delete(file);
                } else if (name.endsWith(SUFFIX)) {
                    String[] parts = name.substring(0, name.length() - SUFFIX.length()).split("-");
                    try {
                        long id = Long.parseLong(parts[parts.length - 1]);
                        boolean compacted = parts.length == 2;
                        found.add(new Found(compacted ? Long.parseLong(parts[0]) : id, id, file, compacted));
                    } catch (NumberFormatException e) {
                        // not one of ours
                    }
                }
            }
        }
        List<Long> ids = new ArrayList<>();
        for (Found segment : found) {
            boolean replaced = found.stream().anyMatch(other -> other != segment && other.compacted
                    && other.from <= segment.from && segment.id <= other.id
                    && (!segment.compacted || other.id - other.from > segment.id - segment.from));
            if (replaced) {
                Files.delete(segment.file);
            } else {
                ids.add(segment.id);
                paths.put(segment.id, segment.file);
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
                    } catch (NoSuchFileException e) {
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
