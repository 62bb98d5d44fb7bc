package dev.lintas.broker.mqtt;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * The answers to one connection's incoming PUBLISH and PUBREL packets (PUBACK, PUBREC, PUBCOMP), each sent only once
 * what it answers is durable, and all in the order the packets came: MQTT (4.6) wants PUBACK and PUBREC in the order
 * of the PUBLISH packets, so an answer whose publish touched nothing durable still waits behind earlier ones whose
 * fsync has not completed. An answer with nothing ahead of it and nothing to wait for is written at once, and flushed
 * with the other answers of the same read (at {@code channelReadComplete}); one that waited is flushed when written.
 * <p>
 * Event loop only: the store's completions are handed over to the connection's event loop, and nothing here blocks.
 */
final class MqttPublishAcks {

    /**
     * One answer.
     *
     * @param type PUBACK, PUBREC or PUBCOMP
     * @param reason the reason code it carries when what it answers is durable
     * @param why a refusal's reason, for the v5 Reason String, or null
     */
    record Ack(MqttMessageType type, int packetId, byte reason, String why) {
    }

    /** Writes the answers (without flushing) once their turn comes. */
    interface Writer {

        /** @param failure null when what {@code ack} answers is durable; the store's error when it is not */
        void write(Ack ack, Throwable failure);

        void flush();
    }

    /** An answer waiting for its turn; {@code done} once its durable stage completed. */
    private static final class Pending {
        final Ack ack;
        boolean done;
        Throwable failure;

        Pending(Ack ack) {
            this.ack = ack;
        }
    }

    private final EventExecutor loop;
    private final Writer writer;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int pubAcks;

    MqttPublishAcks(EventExecutor loop, Writer writer) {
        this.loop = loop;
        this.writer = writer;
    }

    /** Sends {@code ack} once {@code durable} completes and every answer added before it has gone. */
    void add(Ack ack, CompletionStage<Void> durable) {
        if (queue.isEmpty() && durable instanceof CompletableFuture<Void> future && future.isDone()
                && !future.isCompletedExceptionally()) {
            writer.write(ack, null); // Flushed with the rest of the read, at channelReadComplete.
            return;
        }
        Pending pending = new Pending(ack);
        queue.add(pending);
        if (ack.type() == MqttMessageType.PUBACK) {
            pubAcks++;
        }
        try {
            durable.whenCompleteAsync((ignored, failure) -> {
                pending.done = true;
                pending.failure = failure;
                drain();
            }, loop);
        } catch (RejectedExecutionException e) {
            // The event loop is shutting down, and the connection with it: nothing can be answered any more.
        }
    }

    /** Sends {@code ack}, which needs nothing durable (a refusal), in its turn. */
    void add(Ack ack) {
        add(ack, CompletableFuture.completedFuture(null));
    }

    /** PUBACKs not sent yet: with the QoS 2 ids awaiting PUBREL, what counts against the broker's Receive Maximum. */
    int pendingPubAcks() {
        return pubAcks;
    }

    private void drain() {
        boolean wrote = false;
        while (!queue.isEmpty() && queue.peek().done) {
            Pending head = queue.poll();
            if (head.ack.type() == MqttMessageType.PUBACK) {
                pubAcks--;
            }
            writer.write(head.ack, head.failure);
            wrote = true;
        }
        if (wrote) {
            writer.flush();
        }
    }
}
