package dev.lintas.broker.core;

/**
 * A message's place in one queue: the shared message, its position, its expiry in this queue and how often this queue
 * has handed it out. Guarded by the queue's lock.
 */
final class QueuedMessage {

    final Message message;
    /** The queue's enqueue order; a requeued message goes back to this position. */
    final long seq;
    final long expiresAt;
    int deliveries;

    QueuedMessage(Message message, long seq, long expiresAt) {
        this.message = message;
        this.seq = seq;
        this.expiresAt = expiresAt;
    }

    /**
     * Whether more than its time to live has passed. A TTL of 0 thus lets a message through to a consumer that is
     * waiting at the moment it arrives, and expires it otherwise, which is what RabbitMQ does.
     */
    boolean expired(long now) {
        return now > expiresAt;
    }

    int size() {
        return message.size();
    }
}
