package dev.lintas.broker.core;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One consumer's hold on a queue: the deliveries it has not yet settled, and the handle through which it settles them.
 * Delivery tags are the queue's ({@link Delivery#tag()}); an AMQP adapter maps its channel's tags onto them, and a
 * multiple acknowledgement here covers this subscription's deliveries only.
 * <p>
 * The lifecycle is {@link State}: {@link #cancel()} stops new deliveries but keeps the unsettled ones settleable, as
 * AMQP's basic.cancel does; {@link #close()} also puts them back in the queue, for a closed channel or a dropped MQTT
 * connection. A subscription from {@link Queue#getter()} never receives pushed deliveries and serves
 * {@link #get(boolean)} (AMQP basic.get).
 * <p>
 * Thread-safe: every method takes the queue's lock. The fields below are guarded by it.
 */
public final class Subscription {

    /** Where a subscription is in its life. */
    enum State {
        /** Receiving deliveries, or for a getter, able to get. */
        ACTIVE,
        /** No more deliveries; unsettled ones may still be acknowledged. */
        CANCELLED,
        /** Over: the unsettled deliveries went back to the queue. */
        CLOSED;

        boolean receives() {
            return this == ACTIVE;
        }
    }

    private final Queue queue;
    final Consumer consumer;
    final ConsumeOptions options;
    final LinkedHashMap<Long, QueuedMessage> unacked = new LinkedHashMap<>();
    State state = State.ACTIVE;
    boolean paused;

    Subscription(Queue queue, Consumer consumer, ConsumeOptions options) {
        this.queue = queue;
        this.consumer = consumer;
        this.options = options;
    }

    public String tag() {
        return options.tag();
    }

    public String queue() {
        return queue.name();
    }

    public ConsumeOptions options() {
        return options;
    }

    /** Acknowledges one delivery, or with {@code multiple} every one up to and including it (0: all of them). */
    public void ack(long deliveryTag, boolean multiple) {
        queue.settle(this, deliveryTag, multiple, Queue.Outcome.ACK);
    }

    /**
     * Acknowledges the first {@code count} of {@code deliveryTags}, each on its own, under one take of the queue's lock:
     * for an adapter that settles many deliveries at once but not every one up to a tag (an MQTT connection mixes QoS
     * 0 deliveries, settled once written, with QoS 1 ones that wait for PUBACK). An unknown tag is a 406 and changes
     * nothing, as for {@link #ack}.
     */
    public void ackEach(long[] deliveryTags, int count) {
        if (count < 0 || count > deliveryTags.length) {
            throw new IllegalArgumentException("count: " + count + " (expected: 0 to " + deliveryTags.length + ")");
        }
        if (count > 0) {
            queue.settleEach(this, deliveryTags, count);
        }
    }

    /**
     * Refuses one delivery, or with {@code multiple} every one up to and including it (0: all of them). With
     * {@code requeue} they go back to their original positions in the queue, to be delivered again with the
     * redelivered flag; without it they are dropped, or dead-lettered with reason {@code rejected}.
     */
    public void nack(long deliveryTag, boolean multiple, boolean requeue) {
        queue.settle(this, deliveryTag, multiple, requeue ? Queue.Outcome.REQUEUE : Queue.Outcome.REJECT);
    }

    /** AMQP's basic.reject: a nack of one delivery. */
    public void reject(long deliveryTag, boolean requeue) {
        nack(deliveryTag, false, requeue);
    }

    /** Takes the queue's head message, if there is one, regardless of prefetch (AMQP basic.get). */
    public Optional<Delivery> get(boolean autoAck) {
        return queue.get(this, autoAck);
    }

    /** Stops deliveries to this consumer until {@link #resume()}, for backpressure from a slow connection. */
    public void pause() {
        queue.pause(this, true);
    }

    public void resume() {
        queue.pause(this, false);
    }

    /** Stops deliveries; the unsettled ones stay with this subscription until settled or {@link #close()}. */
    public void cancel() {
        queue.cancel(this, false);
    }

    /** Stops deliveries and puts every unsettled delivery back in the queue. Idempotent. */
    public void close() {
        queue.cancel(this, true);
    }

    public int unackedCount() {
        return queue.unackedCount(this);
    }

    /** Whether the queue may hand this subscription another message now. Under the queue's lock. */
    boolean canTake() {
        return state.receives() && !paused
                && (options.autoAck() || options.prefetch() == 0 || unacked.size() < options.prefetch());
    }

    /**
     * Removes and returns the deliveries that a settlement names, in tag order; an unknown tag changes nothing and
     * is a 406, as in AMQP. Under the queue's lock.
     */
    List<QueuedMessage> takeUnacked(long deliveryTag, boolean multiple) {
        if (!multiple) {
            QueuedMessage message = unacked.remove(deliveryTag);
            if (message == null) {
                throw unknownTag(deliveryTag);
            }
            return List.of(message);
        }
        if (deliveryTag != 0 && !unacked.containsKey(deliveryTag)) {
            throw unknownTag(deliveryTag);
        }
        List<QueuedMessage> taken = new ArrayList<>();
        for (Iterator<Map.Entry<Long, QueuedMessage>> it = unacked.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, QueuedMessage> entry = it.next();
            if (deliveryTag != 0 && entry.getKey() > deliveryTag) {
                break;
            }
            taken.add(entry.getValue());
            it.remove();
        }
        return taken;
    }

    /** Removes and returns the deliveries of the first {@code count} tags, or none if one is unknown. */
    List<QueuedMessage> takeUnacked(long[] deliveryTags, int count) {
        for (int i = 0; i < count; i++) {
            if (!unacked.containsKey(deliveryTags[i])) {
                throw unknownTag(deliveryTags[i]);
            }
        }
        List<QueuedMessage> taken = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            QueuedMessage message = unacked.remove(deliveryTags[i]);
            if (message != null) { // null only for a tag named twice
                taken.add(message);
            }
        }
        return taken;
    }

    private BrokerException unknownTag(long deliveryTag) {
        return new BrokerException(BrokerError.PRECONDITION_FAILED, "unknown delivery tag " + deliveryTag
                + " (expected: one of the " + unacked.size() + " unacknowledged deliveries of consumer '" + tag()
                + "' on queue '" + queue() + "')");
    }

    @Override
    public String toString() {
        return "Subscription[" + tag() + " on " + queue() + "]";
    }
}
