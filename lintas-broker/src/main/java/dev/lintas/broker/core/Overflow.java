package dev.lintas.broker.core;

/** What a queue does with a publish that would take it past {@code x-max-length} or {@code x-max-length-bytes}. */
public enum Overflow {
    /** Accept it and drop (or dead-letter) the oldest ready messages until the queue is within its limits. */
    DROP_HEAD("drop-head"),
    /** Refuse it; a publisher with confirms gets a nack. */
    REJECT_PUBLISH("reject-publish"),
    /** Refuse it, and dead-letter it with reason {@code maxlen}. */
    REJECT_PUBLISH_DLX("reject-publish-dlx");

    private final String argument;

    Overflow(String argument) {
        this.argument = argument;
    }

    /** The value of the {@code x-overflow} argument. */
    public String argument() {
        return argument;
    }

    static Overflow of(String argument) {
        for (Overflow overflow : values()) {
            if (overflow.argument.equals(argument)) {
                return overflow;
            }
        }
        return null;
    }
}
