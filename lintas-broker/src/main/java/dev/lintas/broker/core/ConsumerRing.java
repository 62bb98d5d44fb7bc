package dev.lintas.broker.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The consumers of a queue in round-robin order: each message goes to the next consumer in turn that has room, so
 * competing consumers share the queue evenly, and one at its prefetch limit is passed over rather than waited for.
 * Guarded by the queue's lock.
 */
final class ConsumerRing {

    private final List<Subscription> consumers = new ArrayList<>();
    private int cursor;
    private boolean hadConsumer;

    /** Adds a consumer; exclusive consumers refuse company, with AMQP's 403. */
    void add(Subscription subscription, String queue) {
        for (Subscription other : consumers) {
            if (subscription.options.exclusive() || other.options.exclusive()) {
                throw new BrokerException(BrokerError.ACCESS_REFUSED, "queue '" + queue + "' cannot have consumer '"
                        + subscription.tag() + "' beside consumer '" + other.tag() + "' (expected: "
                        + (other.options.exclusive() ? "none beside an exclusive one)" : "an exclusive one alone)"));
            }
        }
        consumers.add(subscription);
        hadConsumer = true;
    }

    /** Removes a consumer; returns whether it was there. */
    boolean remove(Subscription subscription) {
        int index = consumers.indexOf(subscription);
        if (index < 0) {
            return false;
        }
        consumers.remove(index);
        if (index < cursor) {
            cursor--;
        }
        if (cursor >= consumers.size()) {
            cursor = 0;
        }
        return true;
    }

    /** The next consumer in turn that can take a message, moving the turn past it if {@code take}; null if none. */
    Subscription next(boolean take) {
        int count = consumers.size();
        for (int i = 0; i < count; i++) {
            int index = (cursor + i) % count;
            Subscription candidate = consumers.get(index);
            if (candidate.canTake()) {
                if (take) {
                    cursor = (index + 1) % count;
                }
                return candidate;
            }
        }
        return null;
    }

    /** Whether the last consumer has left a queue that had one: the moment an auto-delete queue goes. */
    boolean abandoned() {
        return hadConsumer && consumers.isEmpty();
    }

    int size() {
        return consumers.size();
    }

    /** Removes every consumer and returns them. */
    List<Subscription> clear() {
        List<Subscription> all = List.copyOf(consumers);
        consumers.clear();
        cursor = 0;
        return all;
    }
}
