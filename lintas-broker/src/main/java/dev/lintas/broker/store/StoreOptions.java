package dev.lintas.broker.store;

/**
 * How the store writes.
 *
 * @param fsync when it calls fsync
 * @param segmentBytes the size at which the writer starts a new segment
 * @param compactionFactor compaction runs once the log is this many times the size of its live records
 * @param compactionMinBytes and at least this big, so that a small log is never compacted
 * @param opener opens segment files for writing; tests replace it to make writes fail
 */
public record StoreOptions(FsyncPolicy fsync, long segmentBytes, double compactionFactor, long compactionMinBytes,
        SegmentIo.Opener opener) {

    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    public StoreOptions {
        if (segmentBytes < RecordFormat.HEADER) {
            throw new IllegalArgumentException("segmentBytes: " + segmentBytes + " (expected: >= "
                    + RecordFormat.HEADER + ")");
        }
        if (!(compactionFactor > 1)) {
            throw new IllegalArgumentException("compactionFactor: " + compactionFactor + " (expected: > 1)");
        }
    }

    /** 64 MiB segments, compacted once the log is three times its live data and over 128 MiB. */
    public static StoreOptions of(FsyncPolicy fsync) {
        return new StoreOptions(fsync, DEFAULT_SEGMENT_BYTES, 3, 2 * DEFAULT_SEGMENT_BYTES, SegmentIo.FILES);
    }

    public StoreOptions withSegmentBytes(long bytes) {
        return new StoreOptions(fsync, bytes, compactionFactor, compactionMinBytes, opener);
    }

    public StoreOptions withCompaction(double factor, long minBytes) {
        return new StoreOptions(fsync, segmentBytes, factor, minBytes, opener);
    }

    /** How segment files are opened: a seam for tests that make writes fail as a full disk does. */
    public StoreOptions withOpener(SegmentIo.Opener opener) {
        return new StoreOptions(fsync, segmentBytes, compactionFactor, compactionMinBytes, opener);
    }
}
