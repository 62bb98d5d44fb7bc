package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Session;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The configured limits that {@link MqttHandler} and {@link MqttAdmission} check: how many connections may hold a
 * session, how long and how deep a topic may be, and how many filters one session may have. Each check answers with
 * the reason code the protocol version calls for, so that the handler only writes it.
 * <p>
 * Thread-safe: the connection count is atomic, the rest reads immutable settings.
 */
final class MqttLimits {

    /** A check passed. */
    static final int ALLOWED = -1;
    /** SUBACK codes. */
    private static final int SUBACK_FAILURE = 0x80;
    private static final int SUBACK_TOPIC_FILTER_INVALID = 0x8F;
    private static final int SUBACK_QUOTA_EXCEEDED = 0x97;

    private final MqttSettings settings;
    private final AtomicInteger connections = new AtomicInteger();

    MqttLimits(MqttSettings settings) {
        this.settings = settings;
    }

    /** Takes one of the {@code max-connections} places; false when none is left. */
    boolean admitConnection() {
        while (true) {
            int now = connections.get();
            if (now >= settings.maxConnections()) {
                return false;
            }
            if (connections.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back a place that {@link #admitConnection()} took. */
    void connectionEnded() {
        connections.decrementAndGet();
    }

    /** The connections admitted and not yet ended. */
    int connections() {
        return connections.get();
    }

    /** Whether a topic name or filter is within {@code max-topic-length} and {@code max-topic-levels}. */
    boolean topicAllowed(String topic) {
        if (utf8Length(topic) > settings.maxTopicLength()) {
            return false;
        }
        int levels = 1;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/' && ++levels > settings.maxTopicLevels()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The SUBACK code that refuses {@code filter} for {@code session} under the limits, or {@link #ALLOWED}: a filter
     * over the topic limits is invalid (v5 0x8F), and a new filter past {@code max-subscriptions-per-client} exceeds
     * the quota (v5 0x97). MQTT 3.1.1 has only 0x80 for both. A filter the session already has replaces itself and
     * never counts twice.
     */
    int filterRefusal(Session<?> session, String filter, boolean v5) {
        if (!topicAllowed(filter)) {
            return v5 ? SUBACK_TOPIC_FILTER_INVALID : SUBACK_FAILURE;
        }
        if (!session.subscriptions().containsKey(filter)
                && session.subscriptions().size() >= settings.maxSubscriptionsPerClient()) {
            return v5 ? SUBACK_QUOTA_EXCEEDED : SUBACK_FAILURE;
        }
        return ALLOWED;
    }

    private static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++; // The low surrogate is part of the same 4-byte character.
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
