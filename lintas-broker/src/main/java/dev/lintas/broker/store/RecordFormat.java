package dev.lintas.broker.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * How one record sits in a segment file, all integers big-endian:
 * <pre>
 *   offset  size  field
 *        0     4  CRC32C of everything after it: length, type, sequence number and payload
 *        4     4  payload length in bytes
 *        8     1  type ({@link RecordType} code)
 *        9     8  sequence number: unique, increasing in append order, kept when compaction moves the record
 *       17     n  payload
 * </pre>
 * A record is valid when its length fits in what is left of the file, its type is known and its checksum matches.
 */
final class RecordFormat {

    static final int HEADER = 17;
    /** No payload is larger: a length beyond this is damage, not a record. */
    static final int MAX_PAYLOAD = 256 << 20;

    private RecordFormat() {
    }

    static int size(int payloadLength) {
        return HEADER + payloadLength;
    }

    /** Writes a whole record at the buffer's position; the buffer must have room for {@link #size}. */
    static void write(ByteBuffer out, RecordType type, long lsn, byte[] payload) {
        int start = out.position();
        out.putInt(0).putInt(payload.length).put(type.code).putLong(lsn).put(payload);
        CRC32C crc = new CRC32C();
        ByteBuffer covered = out.duplicate().position(start + 4).limit(out.position());
        crc.update(covered);
        out.putInt(start, (int) crc.getValue());
    }

    /** The size of the valid record at {@code offset}, or -1 if there is none there. */
    static int check(byte[] data, int offset, int limit) {
        if (limit - offset < HEADER) {
            return -1;
        }
        ByteBuffer view = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN);
        int length = view.getInt(offset + 4);
        if (length < 0 || length > MAX_PAYLOAD || length > limit - offset - HEADER
                || RecordType.of(data[offset + 8]) == null) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(data, offset + 4, HEADER - 4 + length);
        return (int) crc.getValue() == view.getInt(offset) ? HEADER + length : -1;
    }

    /** The payload length that the header at {@code offset} claims, unchecked; the header must be in {@code data}. */
    static int payloadLength(byte[] data, int offset) {
        return ByteBuffer.wrap(data).getInt(offset + 4);
    }

    /**
     * Reads the valid record at {@code offset} of {@code data}, which {@link #check} accepted and which starts at
     * {@code fileOffset} in its segment.
     */
    static LogRecord read(byte[] data, int offset, long segment, long fileOffset) {
        ByteBuffer view = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN);
        int length = view.getInt(offset + 4);
        RecordType type = RecordType.of(data[offset + 8]);
        long lsn = view.getLong(offset + 9);
        byte[] payload = new byte[length];
        System.arraycopy(data, offset + HEADER, payload, 0, length);
        return new LogRecord(type, lsn, payload, segment, fileOffset);
    }
}
