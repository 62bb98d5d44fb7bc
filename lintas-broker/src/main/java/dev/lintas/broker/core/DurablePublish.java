package dev.lintas.broker.core;

import java.util.concurrent.CompletionStage;

/**
 * A publish and the moment it became durable.
 *
 * @param result where the message went
 * @param durable completes once the message is on disk as the store's fsync setting promises (at once with no store,
 *        or when nothing durable was touched), and completes exceptionally when the store could not write it: then
 *        the publisher must be refused, not acknowledged. It completes on the store's thread; an adapter continues on
 *        its own event loop, for example with {@code whenCompleteAsync(action, channel.eventLoop())}.
 */
public record DurablePublish(PublishResult result, CompletionStage<Void> durable) {
}
