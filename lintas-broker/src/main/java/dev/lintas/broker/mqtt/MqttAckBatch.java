package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.BrokerException;
import dev.lintas.broker.core.Subscription;

import java.util.Arrays;

/**
 * Core deliveries to acknowledge together, each to the subscription it came from: with
 * {@link Subscription#ackEach}, one take of each queue's lock for the lot instead of one per delivery.
 * <p>
 * Event loop only.
 */
final class MqttAckBatch {

    private Subscription[] from = new Subscription[16];
    private long[] tags = new long[16];
    private int size;

    void add(Subscription subscription, long tag) {
        if (size == tags.length) {
            from = Arrays.copyOf(from, size * 2);
            tags = Arrays.copyOf(tags, size * 2);
        }
        from[size] = subscription;
        tags[size] = tag;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Hands the deliveries added so far over to a new batch, and starts this one empty again. */
    MqttAckBatch take() {
        MqttAckBatch taken = new MqttAckBatch();
        taken.from = Arrays.copyOf(from, size);
        taken.tags = Arrays.copyOf(tags, size);
        taken.size = size;
        Arrays.fill(from, 0, size, null);
        size = 0;
        return taken;
    }

    /** Acknowledges every delivery added, grouped by subscription (nearly always one: the session's queue). */
    void acknowledge() {
        long[] group = new long[size];
        for (int i = 0; i < size; i++) {
            Subscription subscription = from[i];
            if (subscription == null) {
                continue;
            }
            int count = 0;
            for (int j = i; j < size; j++) {
                if (from[j] == subscription) {
                    group[count++] = tags[j];
                    from[j] = null;
                }
            }
            try {
                subscription.ackEach(group, count);
            } catch (BrokerException e) {
                // A tag the queue no longer knows refuses the whole call: settle the others one by one.
                for (int k = 0; k < count; k++) {
                    try {
                        subscription.ack(group[k], false);
                    } catch (BrokerException unknown) {
                        // Settled or taken back already.
                    }
                }
            }
        }
        size = 0;
    }
}
