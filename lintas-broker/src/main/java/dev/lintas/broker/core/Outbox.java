package dev.lintas.broker.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries a queue has decided on and not yet handed to their consumers, and the drain that hands them over
 * outside the queue's lock. At most one thread drains at a time: whichever finds the request counter at zero. A
 * thread that adds deliveries while another drains only bumps the counter, and the drainer goes round again before it
 * stops, so nothing is left behind and consumers see the queue's order.
 */
final class Outbox {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final int BATCH = 64;

    private record Pending(Consumer consumer, Delivery delivery) {
    }

    private final ReentrantLock lock;
    private final AtomicInteger drainRequests = new AtomicInteger();
    // Guarded by lock.
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    /** @param lock the queue's lock, which guards the pending deliveries */
    Outbox(ReentrantLock lock) {
        this.lock = lock;
    }

    /** Under the queue's lock. */
    void add(Consumer consumer, Delivery delivery) {
        pending.add(new Pending(consumer, delivery));
    }

    /** Under the queue's lock. */
    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Forgets the pending deliveries, for a deleted queue. Under the queue's lock. */
    void clear() {
        pending.clear();
    }

    /** Hands every pending delivery to its consumer, unless another thread is at it. Without the queue's lock. */
    void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        List<Pending> batch = new ArrayList<>(BATCH);
        int missed = 1;
        do {
            while (take(batch)) {
                for (Pending next : batch) {
                    invoke(next);
                }
                batch.clear();
            }
            missed = drainRequests.addAndGet(-missed);
        } while (missed != 0);
    }

    private boolean take(List<Pending> batch) {
        lock.lock();
        try {
            for (Pending next = pending.poll(); next != null; next = pending.poll()) {
                batch.add(next);
                if (batch.size() == BATCH) {
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        return !batch.isEmpty();
    }

    private static void invoke(Pending next) {
        try {
            next.consumer.deliver(next.delivery);
        } catch (RuntimeException e) {
            // The delivery stays unacknowledged with its subscription; the adapter closes it on its own error path.
            log.warn("consumer '{}' of queue '{}' failed on delivery {}", next.delivery.consumerTag(),
                    next.delivery.queue(), next.delivery.tag(), e);
        }
    }
}
