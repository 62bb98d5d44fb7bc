package dev.lintas.broker.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The MQTT sessions by client id. A connect either resumes the client's session or starts a new one, and reports the
 * connection that held the client id before, so that the adapter disconnects it (takeover). A session whose
 * connection ends waits offline for its expiry interval, then ends; one with an interval of 0 ends with its
 * connection. MQTT 3.1.1's clean session maps to a clean start with interval 0, a persistent session to
 * {@link #NEVER}.
 * <p>
 * Thread-safe: one lock guards the registry and each session's lifecycle; no other lock is taken under it.
 *
 * @param <H> the adapter's handle on a connection
 */
public final class SessionRegistry<H> {

    /** An expiry interval that never passes. */
    public static final long NEVER = Long.MAX_VALUE;

    /**
     * What a connect found.
     *
     * @param session the session the connection now holds
     * @param present whether it was resumed (MQTT's session present flag)
     * @param previousHolder the connection that held this client id until now, to disconnect, or null
     * @param ended the session that this connect ended (clean start, or found expired), whose queue the adapter
     *        deletes, or null
     */
    public record Connected<H>(Session<H> session, boolean present, H previousHolder, Session<H> ended) {
    }

    private final LongSupplier clock;
    private final String queuePrefix;
    private final Persistence persistence;
    private final Map<String, Session<H>> sessions = new HashMap<>();
    private long created;

    /**
     * @param clock the current time in milliseconds, for expiry
     * @param queuePrefix starts the name of each session's queue
     */
    public SessionRegistry(LongSupplier clock, String queuePrefix) {
        this(clock, queuePrefix, Persistence.NONE);
    }

    /**
     * @param clock the current time in milliseconds, for expiry
     * @param queuePrefix starts the name of each session's queue
     * @param persistence the durable store, told of every session created, changed or ended
     */
    public SessionRegistry(LongSupplier clock, String queuePrefix, Persistence persistence) {
        this.clock = clock;
        this.queuePrefix = queuePrefix;
        this.persistence = persistence;
    }

    /**
     * Puts back a session the durable store recovered, offline since now, with the QoS 2 packet ids that await their
     * PUBREL, without telling the store; a crash closed its connection, so its expiry interval starts now. A later
     * session never reuses its queue name.
     */
    public synchronized Session<H> restore(SessionState state, Collection<Integer> awaitingRelease) {
        Session<H> session = new Session<>(state.clientId(), state.queue(), null, state.expiryMillis(), persistence);
        state.subscriptions().forEach(session::restoreSubscription);
        session.restoreAwaitingRelease(awaitingRelease);
        session.state = Session.State.OFFLINE;
        session.disconnectedAt = clock.getAsLong();
        sessions.put(state.clientId(), session);
        int mark = state.queue().lastIndexOf('#');
        if (mark >= 0) {
            try {
                created = Math.max(created, Long.parseLong(state.queue().substring(mark + 1)));
            } catch (NumberFormatException e) {
                // Not a name this registry made; it cannot clash with one it makes.
            }
        }
        return session;
    }

    /** Attaches {@code holder} to the client's session, resuming it unless {@code cleanStart} or it has expired. */
    public synchronized Connected<H> connect(String clientId, H holder, boolean cleanStart, long expiryMillis) {
        checkExpiry(expiryMillis);
        Session<H> existing = sessions.get(clientId);
        H previous = existing != null && existing.state == Session.State.CONNECTED ? existing.holder : null;
        if (existing != null && !cleanStart && !expired(existing, clock.getAsLong())) {
            existing.holder = holder;
            existing.expiryMillis = expiryMillis;
            existing.state = Session.State.CONNECTED;
            existing.save();
            return new Connected<>(existing, true, previous, null);
        }
        if (existing != null) {
            end(existing);
        }
        Session<H> session = new Session<>(clientId, queuePrefix + clientId + "#" + ++created, holder, expiryMillis,
                persistence);
        sessions.put(clientId, session);
        session.save();
        return new Connected<>(session, false, previous, existing);
    }

    /**
     * Detaches {@code holder}, whose connection ended, from the client's session; the expiry interval may have been
     * changed by the client on the way out. Returns the session if it ended now, so that the adapter deletes its
     * queue. Does nothing if another connection took the session over meanwhile.
     */
    public synchronized Optional<Session<H>> disconnected(String clientId, H holder, long expiryMillis) {
        checkExpiry(expiryMillis);
        Session<H> session = sessions.get(clientId);
        if (session == null || session.state != Session.State.CONNECTED || session.holder != holder) {
            return Optional.empty();
        }
        session.holder = null;
        session.expiryMillis = expiryMillis;
        if (expiryMillis == 0) {
            sessions.remove(clientId);
            end(session);
            return Optional.of(session);
        }
        session.state = Session.State.OFFLINE;
        session.disconnectedAt = clock.getAsLong();
        session.save();
        return Optional.empty();
    }

    /** Ends the offline sessions whose expiry interval has passed and returns them; a timer calls it. */
    public synchronized List<Session<H>> expire() {
        long now = clock.getAsLong();
        List<Session<H>> ended = new ArrayList<>();
        for (Iterator<Session<H>> it = sessions.values().iterator(); it.hasNext();) {
            Session<H> session = it.next();
            if (expired(session, now)) {
                it.remove();
                end(session);
                ended.add(session);
            }
        }
        return ended;
    }

    public synchronized Optional<Session<H>> find(String clientId) {
        return Optional.ofNullable(sessions.get(clientId));
    }

    public synchronized Session.State state(Session<H> session) {
        return session.state;
    }

    /** The connection holding the session, or null while it is offline or ended. */
    public synchronized H holder(Session<H> session) {
        return session.holder;
    }

    /** Every session now, connected or offline. */
    public synchronized List<Session<H>> sessions() {
        return List.copyOf(sessions.values());
    }

    public synchronized int size() {
        return sessions.size();
    }

    private static boolean expired(Session<?> session, long now) {
        return session.state == Session.State.OFFLINE && session.expiryMillis != NEVER
                && now - session.disconnectedAt >= session.expiryMillis;
    }

    private void end(Session<?> session) {
        session.state = Session.State.ENDED;
        session.holder = null;
        session.releaseAll();
        persistence.sessionEnded(session.clientId());
    }

    private static void checkExpiry(long expiryMillis) {
        if (expiryMillis < 0) {
            throw new IllegalArgumentException("expiryMillis: " + expiryMillis + " (expected: >= 0)");
        }
    }
}
