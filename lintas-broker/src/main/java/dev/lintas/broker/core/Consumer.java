package dev.lintas.broker.core;

/**
 * What a protocol adapter implements to receive messages from a queue; see {@link Queue#consume}.
 * <p>
 * Threading: methods are called without any broker lock held, from whichever thread drove the queue (a publisher, an
 * acknowledging consumer, a timer), but never concurrently for one queue and always in the queue's order. They must
 * not block: a Netty adapter hands the delivery to its channel's event loop. They may call back into the broker,
 * for example to acknowledge at once.
 */
public interface Consumer {

    /**
     * A message for this consumer. Unless the subscription acknowledges automatically, it stays unacknowledged
     * until {@link Subscription#ack} or {@link Subscription#nack}. A delivery that races with
     * {@link Subscription#close()} may still arrive after it; the queue has already taken it back, so the consumer
     * drops it.
     */
    void deliver(Delivery delivery);

    /** The broker ended the subscription because its queue was deleted (AMQP's consumer cancel notification). */
    default void cancelled() {
    }
}
