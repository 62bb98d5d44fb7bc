package dev.lintas.broker.core;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An MQTT session as the core keeps it: the client id, the queue that holds its messages, its subscriptions, and who
 * holds it now. The queue is bound to the topic exchange once per subscription filter; this record is what the adapter
 * needs to rebuild those bindings and to resume the session. Lifecycle and expiry belong to the
 * {@link SessionRegistry}, whose lock guards them; the subscriptions map is safe to use from any thread.
 *
 * @param <H> the adapter's handle on a connection, returned on takeover so that the adapter can disconnect it
 */
public final class Session<H> {

    /** Where a session is in its life. */
    public enum State {
        /** A connection holds it. */
        CONNECTED,
        /** No connection holds it; it waits for one until its expiry interval passes. */
        OFFLINE,
        /** Gone: discarded by a clean start, expired, or ended with its connection. Its queue should be deleted. */
        ENDED;

        public boolean live() {
            return this != ENDED;
        }
    }

    private final String clientId;
    private final String queue;
    private final Map<String, SubscriptionOptions> subscriptions = new ConcurrentHashMap<>();
    private final Set<Integer> awaitingRelease = ConcurrentHashMap.newKeySet();
    private final Persistence persistence;
    // Guarded by the registry's lock.
    H holder;
    long expiryMillis;
    long disconnectedAt;
    State state = State.CONNECTED;

    Session(String clientId, String queue, H holder, long expiryMillis, Persistence persistence) {
        this.clientId = clientId;
        this.queue = queue;
        this.holder = holder;
        this.expiryMillis = expiryMillis;
        this.persistence = persistence;
    }

    public String clientId() {
        return clientId;
    }

    /** The name of the queue holding this session's messages; unique to this session, not reused by a later one. */
    public String queue() {
        return queue;
    }

    /** Records a subscription; returns the options it replaces, or null if the filter is new. */
    public SubscriptionOptions subscribe(String filter, SubscriptionOptions options) {
        SubscriptionOptions replaced = subscriptions.put(filter, options);
        save();
        return replaced;
    }

    /** Forgets a subscription; returns its options, or null if there was none. */
    public SubscriptionOptions unsubscribe(String filter) {
        SubscriptionOptions removed = subscriptions.remove(filter);
        if (removed != null) {
            save();
        }
        return removed;
    }

    void restoreSubscription(String filter, SubscriptionOptions options) {
        subscriptions.put(filter, options);
    }

    /**
     * Records that the client's QoS 2 PUBLISH with {@code packetId} was received, for exactly-once delivery: returns
     * true the first time, when the adapter publishes the message, and false while the id awaits its PUBREL (a resent
     * PUBLISH, which must not be published again). The store keeps the id, so this holds across a restart: take
     * {@link VirtualHost#durablePosition()} before this call and the publish, and send PUBREC once
     * {@link VirtualHost#durableSince} completes.
     */
    public boolean qos2Received(int packetId) {
        if (!awaitingRelease.add(packetId)) {
            return false;
        }
        persistence.qos2Received(clientId, packetId);
        return true;
    }

    /** The client's PUBREL for {@code packetId}: returns whether the id was awaiting it (v5: else reason 0x92). */
    public boolean qos2Released(int packetId) {
        if (!awaitingRelease.remove(packetId)) {
            return false;
        }
        persistence.qos2Released(clientId, packetId);
        return true;
    }

    /** The packet ids of QoS 2 publishes received and not yet released; a live, unmodifiable view. */
    public Set<Integer> awaitingRelease() {
        return Collections.unmodifiableSet(awaitingRelease);
    }

    void restoreAwaitingRelease(Collection<Integer> packetIds) {
        awaitingRelease.addAll(packetIds);
    }

    /** Forgets the QoS 2 packet ids of a session that ended. */
    void releaseAll() {
        for (Integer packetId : Set.copyOf(awaitingRelease)) {
            qos2Released(packetId);
        }
    }

    /**
     * Tells the store what this session is now. Synchronized so that a snapshot is taken and handed over in one step:
     * of two racing saves (a subscribe on the connection's event loop, a disconnect under the registry's lock), the
     * store keeps the one that saw the later state. The registry's lock may be held when this one is taken, never the
     * other way round.
     */
    synchronized void save() {
        persistence.sessionSaved(new SessionState(clientId, queue, expiryMillis, subscriptions));
    }

    /** The subscriptions by filter, as the client wrote them; a live, unmodifiable view. */
    public Map<String, SubscriptionOptions> subscriptions() {
        return Collections.unmodifiableMap(subscriptions);
    }

    @Override
    public String toString() {
        return "Session[" + clientId + "]";
    }
}
