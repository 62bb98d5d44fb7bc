package dev.lintas.broker.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Where messages entering and leaving a queue are reported: every change to the journal and to the durable store,
 * and the removals whose reason dead-letters, when the queue has a dead-letter exchange, to a list that the queue
 * publishes once its lock is released. Guarded by the queue's lock.
 */
final class Removals {

    /** A message that left the queue for a reason that dead-letters it. */
    record DeadLetter(Message message, RemovalReason reason) {
    }

    private final String queue;
    private final boolean deadLettering;
    private final QueueJournal journal;
    private final Persistence persistence;
    private final List<DeadLetter> deadLetters = new ArrayList<>();

    Removals(String queue, QueueSettings settings, QueueJournal journal, Persistence persistence) {
        this.queue = queue;
        this.deadLettering = settings.deadLetterExchange() != null;
        this.journal = journal;
        this.persistence = persistence;
    }

    void enqueued(Message message, long now) {
        journal.enqueued(queue, message);
        persistence.enqueued(queue, message, now);
    }

    /** A first, unacknowledged hand-out: a message the store keeps comes back redelivered after a restart. */
    void delivered(QueuedMessage message) {
        if (message.deliveries == 1) {
            persistence.delivered(queue, message.message);
        }
    }

    void removed(QueuedMessage message, RemovalReason reason) {
        journal.removed(queue, message.message, reason);
        persistence.removed(queue, message.message);
        if (reason.deadLetters()) {
            deadLetter(message.message, reason);
        }
    }

    /** The queue refused a message at its limits; it never entered. */
    void refused(Message message) {
        journal.refused(queue, message);
    }

    /** Dead-letters a message the queue never held, refused by reject-publish-dlx. */
    void deadLetter(Message message, RemovalReason reason) {
        if (deadLettering) {
            deadLetters.add(new DeadLetter(message, reason));
        }
    }

    /** Takes the dead letters collected so far. */
    List<DeadLetter> takeDeadLetters() {
        if (deadLetters.isEmpty()) {
            return List.of();
        }
        List<DeadLetter> taken = List.copyOf(deadLetters);
        deadLetters.clear();
        return taken;
    }
}
