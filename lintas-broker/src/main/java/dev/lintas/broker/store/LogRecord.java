package dev.lintas.broker.store;

/**
 * A record read back from a segment.
 *
 * @param type what it records
 * @param lsn its sequence number
 * @param payload its fields, encoded by {@link Payloads}
 * @param segment the segment it was read from
 * @param offset where it starts in that segment
 */
record LogRecord(RecordType type, long lsn, byte[] payload, long segment, long offset) {
}
