package dev.lintas.broker.core;

/**
 * A snapshot of one queue.
 *
 * @param ready messages waiting for a consumer
 * @param unacked messages handed out and not yet acknowledged
 * @param consumers subscriptions that receive deliveries (not {@link Queue#getter()} ones)
 * @param readyBytes the payload bytes of the ready messages
 */
public record QueueStats(int ready, int unacked, int consumers, long readyBytes) {
}
