package dev.lintas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/** How a subscriber tells measured, warm-up, duplicate, missing and foreign messages apart. */
class ReceiveTallyTest {

    private final ReceiveTally tally = new ReceiveTally(2);

    private void receive(boolean measured, int publisher, long sequence, long sentNanos, long now) {
        ByteBuf payload = BenchPayload.write(ByteBufAllocator.DEFAULT, 64, measured, publisher, sequence, sentNanos);
        try {
            tally.record(payload, now);
        } finally {
            payload.release();
        }
    }

    @Test
    void measuredMessagesCountAndRecordTheirLatency() {
        receive(false, 0, 0, 100, 1_000);
        receive(true, 0, 1, 2_000, 7_000);
        receive(true, 1, 0, 3_000, 4_000);

        assertThat(tally.warmup()).isEqualTo(1);
        assertThat(tally.measured()).isEqualTo(2);
        assertThat(tally.latency().getTotalCount()).isEqualTo(2);
        assertThat(tally.latency().getMaxValue()).isBetween(4_995L, 5_005L);
        assertThat(tally.lastNanos()).isEqualTo(4_000);
    }

    @Test
    void aSequenceSeenBeforeIsADuplicateAndAGapIsNotCounted() {
        receive(true, 0, 0, 0, 1);
        receive(true, 0, 3, 0, 2);    // 1 and 2 are missing
        receive(true, 0, 3, 0, 3);    // the same again
        receive(true, 0, 2, 0, 4);    // out of order on one topic: MQTT forbids it, so it counts as a duplicate
        receive(true, 1, 0, 0, 5);    // another publisher has its own sequence

        assertThat(tally.measured()).isEqualTo(3);
        assertThat(tally.duplicates()).isEqualTo(2);
    }

    @Test
    void onlyArrivalsDuringTheMeasuredPhaseCountInTheWindow() {
        tally.window(100, 200);
        receive(false, 0, 0, 0, 99);
        receive(false, 0, 1, 0, 100);   // a warm-up message delivered late still counts as delivered in the window
        receive(true, 0, 2, 150, 199);
        receive(true, 0, 3, 190, 200);

        assertThat(tally.inWindow()).isEqualTo(2);
        assertThat(tally.measured()).isEqualTo(2);
    }

    @Test
    void payloadsThisRunDidNotWriteAreForeign() {
        // Heap buffers over arrays: nothing pooled to release.
        tally.record(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), 1);
        tally.record(Unpooled.wrappedBuffer(new byte[BenchPayload.HEADER_BYTES]), 1);
        ByteBuf otherPublisher = BenchPayload.write(ByteBufAllocator.DEFAULT, 32, true, 7, 0, 0);
        try {
            tally.record(otherPublisher, 1);
        } finally {
            otherPublisher.release();
        }

        assertThat(tally.foreign()).isEqualTo(3);
        assertThat(tally.measured()).isZero();
    }
}
