package dev.lintas.broker.core;

/**
 * Observes every message entering and leaving each queue: the seam where the durable store (issue 4) attaches, and
 * where metrics may count. The store appends an enqueue record, and a removal record once the message is acknowledged
 * or otherwise gone, so that replaying the log rebuilds every queue.
 * <p>
 * Threading: called with the queue's lock held, so that a queue's events arrive in the queue's own order. It must
 * neither block (a store hands records to its writer thread) nor call back into the broker.
 */
public interface QueueJournal {

    /** Records nothing. */
    QueueJournal NONE = new QueueJournal() {
        @Override
        public void enqueued(String queue, Message message) {
        }

        @Override
        public void removed(String queue, Message message, RemovalReason reason) {
        }
    };

    /** The message was added to the queue. */
    void enqueued(String queue, Message message);

    /** The message left the queue for good. Not called for a requeue, which keeps it in the queue. */
    void removed(String queue, Message message, RemovalReason reason);

    /**
     * The queue refused the message at its length limit ({@code reject-publish} or {@code reject-publish-dlx}): it
     * never entered, so nothing is enqueued or removed. For counting; a store has nothing to record.
     */
    default void refused(String queue, Message message) {
    }
}
