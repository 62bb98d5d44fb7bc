package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Subscription;
import io.netty.channel.ChannelFuture;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The QoS 0 deliveries written in one batch, acknowledged to their queues together once the batch's last write has
 * gone to the socket. Writes complete in the order they were made, so that one completion covers the whole batch:
 * one listener and one take of each queue's lock per batch, not per message. Acknowledging on completion, not when
 * queued, keeps the delivery window as the bound of what waits in the channel's buffer.
 * <p>
 * Event loop only.
 */
final class MqttWrittenAcks {

    private Subscription[] from = new Subscription[16];
    private long[] tags = new long[16];
    private int size;
    private ChannelFuture lastWrite;

    /** A QoS 0 delivery of {@code from} was written by {@code write}. */
    void written(Subscription subscription, long tag, ChannelFuture write) {
        if (size == tags.length) {
            from = Arrays.copyOf(from, size * 2);
            tags = Arrays.copyOf(tags, size * 2);
        }
        from[size] = subscription;
        tags[size] = tag;
        size++;
        lastWrite = write;
    }

    /**
     * Ends the batch: once its last write completes, and if {@code stillWanted} then holds, acknowledges every
     * delivery recorded since the last call, each to the subscription it came from.
     */
    void batchEnded(BooleanSupplier stillWanted) {
        if (size == 0) {
            return;
        }
        Subscription[] batchFrom = Arrays.copyOf(from, size);
        long[] batchTags = Arrays.copyOf(tags, size);
        Arrays.fill(from, 0, size, null);
        size = 0;
        ChannelFuture write = lastWrite;
        lastWrite = null;
        write.addListener(future -> {
            if (future.isSuccess() && stillWanted.getAsBoolean()) {
                acknowledge(batchFrom, batchTags);
            }
        });
    }

    /** Groups the tags by subscription, in place: nearly always one, the session's queue. */
    private static void acknowledge(Subscription[] from, long[] tags) {
        long[] group = new long[tags.length];
        for (int i = 0; i < from.length; i++) {
            Subscription subscription = from[i];
            if (subscription == null) {
                continue;
            }
            int count = 0;
            for (int j = i; j < from.length; j++) {
                if (from[j] == subscription) {
                    group[count++] = tags[j];
                    from[j] = null;
                }
            }
            subscription.ackEach(group, count);
        }
    }
}
