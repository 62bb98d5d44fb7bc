package dev.lintas.broker.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The deliveries a queue has handed out and not yet settled, kept per subscription, and the delivery tags it gives
 * out. A subscription counts here from when it starts until it is closed, including after a cancel, since AMQP lets a
 * cancelled consumer still settle what it holds. Guarded by the queue's lock.
 */
final class Outstanding {

    private final List<Subscription> holders = new ArrayList<>();
    private long lastTag;
    private int count;

    void register(Subscription subscription) {
        holders.add(subscription);
    }

    /** Counts one more delivery of {@code message} and, unless auto-acknowledged, keeps it with the subscription. */
    Delivery handOut(Subscription subscription, QueuedMessage message, String queue, boolean autoAck) {
        message.deliveries++;
        long tag = ++lastTag;
        if (!autoAck) {
            subscription.unacked.put(tag, message);
            count++;
        }
        return new Delivery(tag, subscription.tag(), queue, message.message, message.deliveries, message.expiresAt);
    }

    /** Takes the deliveries a settlement names; see {@link Subscription#takeUnacked}. */
    List<QueuedMessage> settle(Subscription subscription, long deliveryTag, boolean multiple) {
        List<QueuedMessage> settled = subscription.takeUnacked(deliveryTag, multiple);
        count -= settled.size();
        return settled;
    }

    /** Takes the deliveries of the first {@code count} tags; see {@link Subscription#ackEach}. */
    List<QueuedMessage> settle(Subscription subscription, long[] deliveryTags, int count) {
        List<QueuedMessage> settled = subscription.takeUnacked(deliveryTags, count);
        this.count -= settled.size();
        return settled;
    }

    /** Closes the subscription and takes everything it held, in tag order. */
    List<QueuedMessage> close(Subscription subscription) {
        holders.remove(subscription);
        subscription.state = Subscription.State.CLOSED;
        List<QueuedMessage> held = new ArrayList<>(subscription.unacked.values());
        subscription.unacked.clear();
        count -= held.size();
        return held;
    }

    /** Closes every subscription and takes everything they held, for a deleted queue. */
    List<QueuedMessage> closeAll() {
        List<QueuedMessage> all = new ArrayList<>(count);
        for (Subscription holder : List.copyOf(holders)) {
            all.addAll(close(holder));
        }
        return all;
    }

    int count() {
        return count;
    }
}
