package dev.lintas.broker.core;

import java.util.Objects;

/**
 * How a consumer takes messages from a queue.
 *
 * @param tag names the subscription in deliveries and logs
 * @param autoAck whether a delivery counts as acknowledged when it is handed out (AMQP no-ack, MQTT QoS 0)
 * @param prefetch the most unacknowledged deliveries the consumer may hold; 0 for no limit. Ignored with autoAck.
 *        This is AMQP's per-consumer basic.qos and MQTT's Receive Maximum.
 * @param exclusive whether the consumer must be the queue's only one
 */
public record ConsumeOptions(String tag, boolean autoAck, int prefetch, boolean exclusive) {

    public ConsumeOptions {
        Objects.requireNonNull(tag, "tag");
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch: " + prefetch + " (expected: >= 0)");
        }
    }

    /** Deliveries must be acknowledged, with at most {@code prefetch} outstanding (0: no limit). */
    public static ConsumeOptions manualAck(String tag, int prefetch) {
        return new ConsumeOptions(tag, false, prefetch, false);
    }

    /** Deliveries count as acknowledged when handed out. */
    public static ConsumeOptions autoAck(String tag) {
        return new ConsumeOptions(tag, true, 0, false);
    }

    public ConsumeOptions asExclusive() {
        return new ConsumeOptions(tag, autoAck, prefetch, true);
    }
}
