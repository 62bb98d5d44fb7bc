package dev.lintas.cli.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The header at the start of every payload the load tool publishes, padded with zeros to the payload size: one flag
 * byte (whether the message counts, or belongs to the warm-up), the publisher's index, its sequence number and the
 * {@link System#nanoTime()} at which it was written. Publisher and subscriber share one process, so the receiver
 * subtracts that time from its own clock to get the publish-to-receive latency.
 */
final class BenchPayload {

    /** Bytes of header; a payload is at least this long. */
    static final int HEADER_BYTES = 1 + 4 + 8 + 8;

    private static final byte WARM_UP = 0x57;
    private static final byte MEASURED = 0x4D;

    private BenchPayload() {
    }

    static ByteBuf write(ByteBufAllocator alloc, int size, boolean measured, int publisher, long sequence,
            long sentNanos) {
        ByteBuf payload = alloc.buffer(size, size);
        payload.writeByte(measured ? MEASURED : WARM_UP).writeInt(publisher).writeLong(sequence).writeLong(sentNanos)
                .writeZero(size - HEADER_BYTES);
        return payload;
    }

    /** Whether {@code payload} starts with a header this tool wrote; nothing is read from a buffer that fails this. */
    static boolean isOurs(ByteBuf payload) {
        if (payload.readableBytes() < HEADER_BYTES) {
            return false;
        }
        byte flag = payload.getByte(payload.readerIndex());
        return flag == WARM_UP || flag == MEASURED;
    }

    static boolean measured(ByteBuf payload) {
        return payload.getByte(payload.readerIndex()) == MEASURED;
    }

    static int publisher(ByteBuf payload) {
        return payload.getInt(payload.readerIndex() + 1);
    }

    static long sequence(ByteBuf payload) {
        return payload.getLong(payload.readerIndex() + 5);
    }

    static long sentNanos(ByteBuf payload) {
        return payload.getLong(payload.readerIndex() + 13);
    }
}
