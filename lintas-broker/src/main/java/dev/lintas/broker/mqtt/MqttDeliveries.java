package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Delivery;
import io.netty.util.concurrent.EventExecutor;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Core deliveries on their way to one connection's event loop, handed over in batches. The core calls
 * {@link #add} from whichever thread drove the queue; one task on the event loop then sends everything waiting (up to
 * {@link #BATCH}) and ends the batch, so that the writes of a batch share one flush, one QoS 0 acknowledgement and
 * one flow check, instead of a task, a flush and a listener per message. Deliveries keep their order: each queue's
 * arrive in its order, and a batch sends them in the order they came.
 * <p>
 * {@link #add} runs on any thread; the {@link Sink} runs on the event loop only.
 */
final class MqttDeliveries {

    /** The most deliveries one task sends before it ends its batch and lets the event loop do other work. */
    static final int BATCH = 256;

    /** A delivery, and the shared subscription it came through; null for the session's own queue. */
    record Handoff(MqttSharedMembers.Member member, Delivery delivery) {
    }

    /** What the event loop does with a batch. */
    interface Sink {

        void send(Handoff handoff);

        /** After the last {@link #send} of a batch: flush, and whatever is settled per batch. */
        void batchEnded();
    }

    private final Queue<Handoff> pending = new ConcurrentLinkedQueue<>();
    /** Whether a drain task is queued or running and will look at {@link #pending} again before it ends. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final EventExecutor loop;
    private final Sink sink;
    private final Runnable drain = this::drain;

    MqttDeliveries(EventExecutor loop, Sink sink) {
        this.loop = loop;
        this.sink = sink;
    }

    /** Any thread. */
    void add(MqttSharedMembers.Member member, Delivery delivery) {
        pending.offer(new Handoff(member, delivery));
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            loop.execute(drain);
        }
    }

    private void drain() {
        // Cleared before polling: a delivery added after the last poll below schedules the next task itself.
        scheduled.set(false);
        try {
            for (int sent = 0; sent < BATCH; sent++) {
                Handoff next = pending.poll();
                if (next == null) {
                    break;
                }
                sink.send(next);
            }
        } finally {
            sink.batchEnded();
            if (!pending.isEmpty() && scheduled.compareAndSet(false, true)) {
                loop.execute(drain);
            }
        }
    }
}
