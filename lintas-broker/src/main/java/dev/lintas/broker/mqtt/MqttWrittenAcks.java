package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Subscription;
import io.netty.channel.ChannelFuture;

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

    private final MqttAckBatch written = new MqttAckBatch();
    private ChannelFuture lastWrite;

    /** A QoS 0 delivery of {@code subscription} was written by {@code write}. */
    void written(Subscription subscription, long tag, ChannelFuture write) {
        written.add(subscription, tag);
        lastWrite = write;
    }

    /**
     * Ends the batch: once its last write completes, and if {@code stillWanted} then holds, acknowledges every
     * delivery recorded since the last call, each to the subscription it came from.
     */
    void batchEnded(BooleanSupplier stillWanted) {
        if (written.isEmpty()) {
            return;
        }
        MqttAckBatch batch = written.take();
        ChannelFuture write = lastWrite;
        lastWrite = null;
        write.addListener(future -> {
            if (future.isSuccess() && stillWanted.getAsBoolean()) {
                batch.acknowledge();
            }
        });
    }
}
