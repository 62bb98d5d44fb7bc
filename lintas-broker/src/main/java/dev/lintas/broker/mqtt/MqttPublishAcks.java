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

    /** An answer waiting for its turn and for its stage. */
    private static final class Pending {
        final Ack ack;
        final CompletableFuture<Void> durable;

        Pending(Ack ack, CompletableFuture<Void> durable) {
            this.ack = ack;
            this.durable = durable;
        }
    }

    private final EventExecutor loop;
    private final Writer writer;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int pubAcks;
    /** The newest answer added since the last watch, which the next watch waits for. */
    private Pending newest;
    /** The answer last watched, while it is in the queue: its completion drains everything before it. */
    private Pending watched;
    private boolean watchScheduled;

    MqttPublishAcks(EventExecutor loop, Writer writer) {
        this.loop = loop;
        this.writer = writer;
    }

    /**
     * Sends {@code ack} once {@code durable} completes and every answer added before it has gone.
     * <p>
     * The answers added in one turn of the event loop (one read's worth of PUBLISH packets, usually) share one
     * watcher, on the newest one's stage: the store completes its stages in the order they were made, so when the
     * newest is complete, so are the ones before it. That is one callback handed to the event loop per turn rather
     * than one per PUBLISH. Should a stage be found not complete all the same, it gets a watcher of its own.
     */
    void add(Ack ack, CompletionStage<Void> durable) {
        CompletableFuture<Void> future = durable.toCompletableFuture();
        if (queue.isEmpty() && future.isDone() && !future.isCompletedExceptionally()) {
            writer.write(ack, null); // Flushed with the rest of the read, at channelReadComplete.
            return;
        }
        Pending pending = new Pending(ack, future);
        queue.add(pending);
        if (ack.type() == MqttMessageType.PUBACK) {
            pubAcks++;
        }
        newest = pending;
        if (!watchScheduled) {
            watchScheduled = true;
            try {
                loop.execute(this::watchNewest); // after the rest of this turn's reads
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down, and the connection with it: nothing can be answered any more.
            }
        }
    }

    private void watchNewest() {
        watchScheduled = false;
        Pending pending = newest;
        newest = null;
        if (pending != null) {
            watch(pending);
        }
    }

    private void watch(Pending pending) {
        watched = pending;
        try {
            pending.durable.whenCompleteAsync((ignored, failure) -> drain(), loop);
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
        while (!queue.isEmpty()) {
            Pending head = queue.peek();
            if (!head.durable.isDone()) {
                if ((watched == null || watched.durable.isDone()) && newest == null) {
                    watch(head); // no later watch will drain it: not expected, as stages complete in order
                }
                break;
            }
            queue.poll();
            if (head == watched) {
                watched = null;
            }
            if (head.ack.type() == MqttMessageType.PUBACK) {
                pubAcks--;
            }
            writer.write(head.ack, head.durable.isCompletedExceptionally() ? head.durable.exceptionNow() : null);
            wrote = true;
        }
        if (wrote) {
            writer.flush();
        }
    }
}
