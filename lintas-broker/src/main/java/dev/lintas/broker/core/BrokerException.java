package dev.lintas.broker.core;

/**
 * A refused operation: the typed reason, and a message that names the object and what was expected, for the reply
 * text. Thrown before any state changes.
 */
public final class BrokerException extends RuntimeException {

    private final BrokerError error;

    public BrokerException(BrokerError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public BrokerError error() {
        return error;
    }

    /** The AMQP reply code, for {@code channel.close} or {@code connection.close}. */
    public int replyCode() {
        return error.replyCode();
    }
}
