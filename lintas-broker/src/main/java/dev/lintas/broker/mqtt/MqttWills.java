package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Persistence;
import dev.lintas.broker.core.Session;
import dev.lintas.broker.core.SessionRegistry;
import dev.lintas.broker.core.WillState;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * The wills of connections that ended without a normal DISCONNECT: published at once, or after their v5 Will Delay
 * Interval (at most the session's expiry interval) unless a connection resumes the same session first
 * [MQTT-3.1.3-9]. A will that waits is told to the store ({@link Persistence#willPending}), so that a restart
 * schedules it again. Thread-safe: connections end on any event loop, and timers fire on the broker's timer.
 */
final class MqttWills {

    /** A will waiting for its delay; whoever removes it from {@link #pending} first decides its fate. */
    private static final class PendingWill {
        final MqttBroker.Will will;
        /** Set just after the will is put in {@link #pending}: null for that moment. */
        volatile Future<?> timer;

        PendingWill(MqttBroker.Will will) {
            this.will = will;
        }

        void cancel() {
            Future<?> scheduled = timer;
            if (scheduled != null) {
                scheduled.cancel(false);
            } // Else the timer, once set, finds the will gone from the map and does nothing.
        }
    }

    private final SessionRegistry<MqttHandler> sessions;
    private final Persistence persistence;
    private final LongSupplier clock;
    /** Publishes a will, for its client id. */
    private final BiConsumer<String, MqttBroker.Will> publish;
    /** Wills waiting out their delay, by client id. */
    private final ConcurrentHashMap<String, PendingWill> pending = new ConcurrentHashMap<>();

    MqttWills(SessionRegistry<MqttHandler> sessions, Persistence persistence, LongSupplier clock,
            BiConsumer<String, MqttBroker.Will> publish) {
        this.sessions = sessions;
        this.persistence = persistence;
        this.clock = clock;
        this.publish = publish;
    }

    /**
     * A connection with {@code clientId} came: a will waiting for its delay is cancelled if the connection resumed its
     * session ({@code resumed}), and published now if the session it belonged to has just ended.
     */
    void connected(String clientId, boolean resumed) {
        PendingWill waiting = pending.remove(clientId);
        if (waiting != null) {
            waiting.cancel();
            persistence.willDone(clientId);
            if (!resumed) {
                publish.accept(clientId, waiting.will);
            }
        }
    }

    /**
     * A connection of {@code session} that had {@code will} ended without a normal DISCONNECT: publishes the will now,
     * or after its delay (at most {@code expiryMillis}) unless a connection resumes the same session first.
     */
    void connectionEnded(Session<MqttHandler> session, MqttBroker.Will will, long expiryMillis,
            ScheduledExecutorService timer) {
        String clientId = session.clientId();
        long delay = Math.min(will.delayMillis(), expiryMillis);
        if (delay <= 0 || sessions.find(clientId).orElse(null) != session) {
            // No delay, or the session has ended already (a clean start took its client id over): the will goes now.
            publish.accept(clientId, will);
            return;
        }
        persistence.willPending(new WillState(clientId, will.topic(), will.qos(), will.retain(), will.payload(),
                will.properties().toStored(), clock.getAsLong() + delay));
        schedule(clientId, session, will, delay, timer);
    }

    /** Schedules again a will the store kept, for the time left of its delay. */
    void restore(WillState kept, ScheduledExecutorService timer) {
        MqttBroker.Will will = new MqttBroker.Will(kept.topic(), kept.qos(), kept.retain(), kept.payload(), 0,
                PublishProperties.fromStored(kept.properties()));
        schedule(kept.clientId(), sessions.find(kept.clientId()).orElse(null), will,
                Math.max(0, kept.publishAt() - clock.getAsLong()), timer);
    }

    /** Wills waiting out their delay. */
    int pending() {
        return pending.size();
    }

    /**
     * Publishes the will after {@code delay}, unless a connection resumes {@code session} first (null: a will restored
     * without its session, which nothing can resume).
     */
    private void schedule(String clientId, Session<MqttHandler> session, MqttBroker.Will will, long delay,
            ScheduledExecutorService timer) {
        PendingWill waiting = new PendingWill(will);
        PendingWill previous = pending.put(clientId, waiting);
        if (previous != null) {
            previous.cancel(); // Left by a connection that a newer one replaced.
        }
        waiting.timer = timer.schedule(() -> {
            // A new connection to the same session cancels the will [MQTT-3.1.3-9]; one that started a new session
            // does not.
            boolean resumed = session != null && sessions.find(clientId)
                    .filter(current -> current == session && sessions.state(current) == Session.State.CONNECTED)
                    .isPresent();
            if (pending.remove(clientId, waiting)) {
                if (!resumed) {
                    publish.accept(clientId, will);
                }
                persistence.willDone(clientId);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }
}
