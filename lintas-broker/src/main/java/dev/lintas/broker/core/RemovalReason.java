package dev.lintas.broker.core;

/** Why a message left a queue. Three of the reasons dead-letter it, when the queue has a dead-letter exchange. */
public enum RemovalReason {
    /** A consumer acknowledged it, or it was handed to an auto-acknowledging consumer. */
    ACKED(null),
    /** A consumer rejected or nacked it without requeue. */
    REJECTED("rejected"),
    /** Its time to live passed. */
    EXPIRED("expired"),
    /** The queue was over its maximum length, or refused it for that reason with reject-publish-dlx. */
    MAXLEN("maxlen"),
    /** The queue was purged. */
    PURGED(null),
    /** The queue was deleted. */
    QUEUE_DELETED(null);

    private final String deathReason;

    RemovalReason(String deathReason) {
        this.deathReason = deathReason;
    }

    /** Whether the message goes to the queue's dead-letter exchange, if it has one. */
    public boolean deadLetters() {
        return deathReason != null;
    }

    /** The {@code reason} value of an {@code x-death} entry, as RabbitMQ writes it; null if it does not dead-letter. */
    public String deathReason() {
        return deathReason;
    }
}
