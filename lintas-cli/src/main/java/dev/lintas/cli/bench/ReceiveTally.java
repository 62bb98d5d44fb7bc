package dev.lintas.cli.bench;

import java.util.Arrays;

import org.HdrHistogram.Histogram;

import io.netty.buffer.ByteBuf;

/**
 * What one subscriber received: publish-to-receive latency of the measured messages, and counts that reveal loss and
 * duplicates. MQTT keeps the messages of one publisher on one topic in order, so a sequence number lower than the
 * next one expected from that publisher is a duplicate, and one higher skips messages that are lost.
 *
 * <p>Threading: owned by the subscriber's event loop; a copy is taken there for the report.
 */
final class ReceiveTally {

    /** Latencies in nanoseconds; the histogram grows as needed, with three significant digits. */
    private final Histogram latency;
    private final long[] nextSequence;
    private long measured;
    private long warmup;
    private long duplicates;
    private long foreign;
    private long lastNanos;
    private long windowStartNanos = Long.MAX_VALUE;
    private long windowEndNanos = Long.MIN_VALUE;
    private long inWindow;

    ReceiveTally(int publishers) {
        this.latency = new Histogram(3);
        this.nextSequence = new long[publishers];
    }

    private ReceiveTally(ReceiveTally other) {
        this.latency = other.latency.copy();
        this.nextSequence = Arrays.copyOf(other.nextSequence, other.nextSequence.length);
        this.measured = other.measured;
        this.warmup = other.warmup;
        this.duplicates = other.duplicates;
        this.foreign = other.foreign;
        this.lastNanos = other.lastNanos;
        this.windowStartNanos = other.windowStartNanos;
        this.windowEndNanos = other.windowEndNanos;
        this.inWindow = other.inWindow;
    }

    /** Sets the measured phase, in {@link System#nanoTime()}: messages that arrive during it count in {@link #inWindow}. */
    void window(long startNanos, long endNanos) {
        windowStartNanos = startNanos;
        windowEndNanos = endNanos;
    }

    /** Counts one received payload; {@code now} is {@link System#nanoTime()} at receipt. */
    void record(ByteBuf payload, long now) {
        if (!BenchPayload.isOurs(payload)) {
            foreign++;
            return;
        }
        int publisher = BenchPayload.publisher(payload);
        if (publisher < 0 || publisher >= nextSequence.length) {
            foreign++;
            return;
        }
        long sequence = BenchPayload.sequence(payload);
        if (sequence < nextSequence[publisher]) {
            duplicates++;
            return;
        }
        nextSequence[publisher] = sequence + 1;
        if (now >= windowStartNanos && now < windowEndNanos) {
            inWindow++;
        }
        if (!BenchPayload.measured(payload)) {
            warmup++;
            return;
        }
        measured++;
        lastNanos = now;
        latency.recordValue(Math.max(0, now - BenchPayload.sentNanos(payload)));
    }

    ReceiveTally copy() {
        return new ReceiveTally(this);
    }

    Histogram latency() {
        return latency;
    }

    /** Distinct measured messages received. */
    long measured() {
        return measured;
    }

    long warmup() {
        return warmup;
    }

    long duplicates() {
        return duplicates;
    }

    /** Messages that this run did not publish (another client on the same topic). */
    long foreign() {
        return foreign;
    }

    /**
     * Distinct messages, of the warm-up or measured, that arrived during the measured phase: what the server
     * delivered in that time, even while it was still working through a backlog of the warm-up.
     */
    long inWindow() {
        return inWindow;
    }

    long lastNanos() {
        return lastNanos;
    }
}
