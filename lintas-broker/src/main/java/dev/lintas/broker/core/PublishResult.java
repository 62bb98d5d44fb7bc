package dev.lintas.broker.core;

/**
 * Where a publish went.
 *
 * @param routed the queues that accepted the message
 * @param rejected the queues that refused it because they were full (reject-publish overflow)
 */
public record PublishResult(int routed, int rejected) {

    /** No queue matched: an AMQP mandatory publish is returned, an MQTT publish has no subscribers. */
    public boolean unroutable() {
        return routed == 0 && rejected == 0;
    }

    /** Whether a publisher confirm is an ack (true) or a nack (false): a nack when any matching queue refused it. */
    public boolean accepted() {
        return rejected == 0;
    }
}
