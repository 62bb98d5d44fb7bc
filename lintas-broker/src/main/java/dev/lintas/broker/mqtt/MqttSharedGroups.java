package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Binding;
import dev.lintas.broker.core.MqttTopics;
import dev.lintas.broker.core.VirtualHost;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Shared subscriptions ({@code $share/{ShareName}/{filter}}): one core queue per (share name, filter), bound to the
 * topic exchange with the filter, whose members' connections are its competing consumers. The queue is declared when
 * the first session joins and deleted when the last one leaves (unsubscribes, or its session ends). The queue is
 * durable: {@link MqttBroker#restore} joins the restored sessions again, and deletes a group queue none of them is in.
 * <p>
 * Thread-safe: one lock guards the membership and is held while the queue is declared, bound or deleted, so that a
 * join never binds a queue that a concurrent last leave is deleting. Lock order: this, then the host's locks.
 */
final class MqttSharedGroups {

    /** Starts the name of every shared subscription's queue; the share name, a '/' and the filter follow. */
    static final String QUEUE_PREFIX = "mqtt-shared.";
    private static final String SHARE = "$share/";

    /** A {@code $share/} filter taken apart. */
    record Shared(String shareName, String filter) {

        /** The parts of {@code filter}, or null when it does not start with {@code $share/}. */
        static Shared parse(String filter) {
            if (!filter.startsWith(SHARE)) {
                return null;
            }
            int slash = filter.indexOf('/', SHARE.length());
            return slash < 0 ? new Shared(filter.substring(SHARE.length()), "")
                    : new Shared(filter.substring(SHARE.length(), slash), filter.substring(slash + 1));
        }

        /** A share name is not empty and has no '+', '#' or '/'; the filter is a valid topic filter. */
        boolean valid() {
            return !shareName.isEmpty() && shareName.indexOf('+') < 0 && shareName.indexOf('#') < 0
                    && shareName.indexOf('\0') < 0 && MqttBroker.validFilter(filter);
        }

        String queue() {
            return QUEUE_PREFIX + shareName + "/" + filter;
        }
    }

    private final VirtualHost host;
    private final MqttSettings settings;
    /** Group queue name to the session queues of its members. */
    private final Map<String, Set<String>> members = new HashMap<>();

    MqttSharedGroups(VirtualHost host, MqttSettings settings) {
        this.host = host;
        this.settings = settings;
    }

    /** Adds the session to the group, declaring and binding its queue if it is the first member. */
    synchronized void join(Shared shared, String sessionQueue) {
        Set<String> group = members.get(shared.queue());
        if (group == null) {
            // Durable, for the members whose sessions outlive their connections; restored with those sessions.
            MqttBroker.declare(host, settings.boundedQueue(shared.queue()).asDurable());
            host.bind(Binding.of(MqttBroker.EXCHANGE, shared.queue(), MqttTopics.toBindingKey(shared.filter()))
                    .asDollarProtected(), null);
            group = new HashSet<>();
            members.put(shared.queue(), group);
        }
        group.add(sessionQueue);
    }

    /** Removes the session from the group, deleting its queue (and what waits in it) if it was the last member. */
    synchronized void leave(Shared shared, String sessionQueue) {
        Set<String> group = members.get(shared.queue());
        if (group != null && group.remove(sessionQueue) && group.isEmpty()) {
            members.remove(shared.queue());
            host.deleteQueue(shared.queue(), false, false, null);
        }
    }

    synchronized int groups() {
        return members.size();
    }
}
