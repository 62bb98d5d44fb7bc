package dev.lintas.broker.mqtt;

import dev.lintas.broker.auth.AuthConfig;
import dev.lintas.broker.auth.Authenticator;
import dev.lintas.broker.core.Binding;
import dev.lintas.broker.core.BrokerError;
import dev.lintas.broker.core.BrokerException;
import dev.lintas.broker.core.ConsumeOptions;
import dev.lintas.broker.core.HeldPublish;
import dev.lintas.broker.core.Consumer;
import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.MqttTopics;
import dev.lintas.broker.core.Persistence;
import dev.lintas.broker.core.QueueSpec;
import dev.lintas.broker.core.RetainedStore;
import dev.lintas.broker.core.Session;
import dev.lintas.broker.core.SessionRegistry;
import dev.lintas.broker.core.Subscription;
import dev.lintas.broker.core.SubscriptionOptions;
import dev.lintas.broker.core.VirtualHost;
import dev.lintas.broker.core.WillState;
import dev.lintas.broker.store.DurableStore;
import dev.lintas.broker.store.Recovery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The MQTT protocol logic on top of the core, shared by every MQTT connection; {@link MqttHandler} only translates
 * packets into these calls. A session is a core queue bound to {@value #EXCHANGE} once per filter; a PUBLISH is a
 * core publish to that exchange; retained messages live in a {@link RetainedStore}. See the module's README.
 * <p>
 * With a durable store, sessions, retained messages and pending wills are told to it, a session that outlives its
 * connection has a durable queue, and messages at QoS 1 and 2 are persistent; {@link #restore} brings all of it back
 * after a restart. {@link #publish} returns when the publish is durable, which is when the client may be answered.
 * <p>
 * Thread-safe: called from every connection's event loop; the core does the locking.
 */
public final class MqttBroker {

    private static final Logger log = LoggerFactory.getLogger(MqttBroker.class);

    /** The exchange MQTT publishes go to and sessions are bound to. */
    public static final String EXCHANGE = "amq.topic";
    /** Message properties the adapter sets on what it publishes. */
    static final String QOS = "mqtt-qos";
    static final String PUBLISHER = "mqtt-publisher";
    /** Set (true) on a message published with the retain flag, for subscriptions with retain-as-published. */
    static final String RETAIN = "mqtt-retain";
    /** Starts the name of every session's queue (the client id and a counter follow). */
    static final String SESSION_QUEUE_PREFIX = "mqtt-session.";

    private final VirtualHost host;
    /** The durable store, or null when the broker keeps everything in memory. */
    private final DurableStore store;
    /** The store, or {@link Persistence#NONE}. */
    private final Persistence persistence;
    private final LongSupplier clock;
    private final SessionRegistry<MqttHandler> sessions;
    private final RetainedStore retained;
    private final MqttSettings settings;
    private final MqttDrops drops;
    private final MqttLimits limits;
    private final Authenticator authenticator;
    private final MqttMetrics metrics = new MqttMetrics();
    private final MqttSharedGroups shared;
    private final MqttWills wills;
    /** The QoS 2 state of each live session, by session queue name (unique to one session). */
    private final ConcurrentHashMap<String, MqttSessionState> states = new ConcurrentHashMap<>();
    /** Enhanced authentication methods, by name. */
    private final ConcurrentHashMap<String, MqttAuthenticator> authenticators = new ConcurrentHashMap<>();

    /**
     * A will from CONNECT, published when the connection ends without a normal DISCONNECT.
     *
     * @param delayMillis the v5 Will Delay Interval; 0 in 3.1.1
     * @param properties the will's v5 properties, published with it
     */
    record Will(String topic, int qos, boolean retain, byte[] payload, long delayMillis,
            PublishProperties properties) {
    }

    /**
     * @param drops the host's journal (or part of it), so that session queue overflows are counted (see
     *        {@link #droppedMessages()}), and a message's packet id kept for its re-send is freed when it leaves the
     *        session's queue
     */
    public MqttBroker(VirtualHost host, LongSupplier clock, MqttSettings settings, MqttDrops drops) {
        this(host, clock, settings, drops, new Authenticator(AuthConfig.DEFAULTS, Runnable::run));
    }

    /** @param authenticator who may connect; {@link MqttAdmission} asks it about each CONNECT */
    public MqttBroker(VirtualHost host, LongSupplier clock, MqttSettings settings, MqttDrops drops,
            Authenticator authenticator) {
        this(host, clock, settings, drops, authenticator, null);
    }

    /**
     * @param store the durable store {@code host} was restored from (and reports to), or null to keep everything in
     *        memory; call {@link #restore} before the listener takes traffic
     */
    public MqttBroker(VirtualHost host, LongSupplier clock, MqttSettings settings, MqttDrops drops,
            Authenticator authenticator, DurableStore store) {
        this.authenticator = authenticator;
        this.host = host;
        this.store = store;
        this.persistence = store == null ? Persistence.NONE : store;
        this.clock = clock;
        this.sessions = new SessionRegistry<>(clock, SESSION_QUEUE_PREFIX, persistence);
        this.retained = new RetainedStore(clock, persistence);
        this.settings = settings;
        this.drops = drops;
        this.limits = new MqttLimits(settings);
        this.shared = new MqttSharedGroups(host, settings);
        this.wills = new MqttWills(sessions, persistence, clock, this::publishWill);
        // The packet id a session keeps for a message's re-send is free once the message leaves the session's queue.
        drops.watchSessionQueues((queue, message) -> {
            MqttSessionState state = states.get(queue);
            if (state != null) {
                state.leftQueue(message.id());
            }
        });
    }

    /**
     * Brings back what the store recovered: retained messages, sessions (offline, with their QoS 2 packet ids awaiting
     * PUBREL and PUBCOMP, their unanswered QoS 2 sends and the PUBLISH packets they hold), the shared subscription
     * groups of those sessions, and the wills that were waiting for their delay, scheduled again on {@code timer}. The host's queues, bindings and queued messages are restored already. Session
     * and group queues that no restored session owns (left by a crash between a session's end and its queue's
     * delete) are deleted. Does nothing without a store. Call once, before the listener binds.
     */
    public void restore(ScheduledExecutorService timer) {
        if (store == null) {
            return;
        }
        Recovery recovery = store.recovery();
        recovery.restoreRetained(retained);
        recovery.restoreSessions(sessions);
        Map<String, List<Integer>> awaitingComplete = recovery.awaitingComplete();
        Map<String, Map<Long, Integer>> unanswered = recovery.unansweredPublishes();
        Map<String, List<HeldPublish>> held = recovery.heldPublishes();
        Set<String> owned = new HashSet<>();
        for (Session<MqttHandler> session : sessions.sessions()) {
            owned.add(session.queue());
            MqttSessionState state = state(session);
            awaitingComplete.getOrDefault(session.clientId(), List.of()).forEach(state::restoreAwaitComplete);
            unanswered.getOrDefault(session.clientId(), Map.of()).forEach(state::restoreSent);
            held.getOrDefault(session.clientId(), List.of()).forEach(state::restoreHeld);
            for (String filter : session.subscriptions().keySet()) {
                MqttSharedGroups.Shared group = MqttSharedGroups.Shared.parse(filter);
                if (group != null) {
                    shared.join(group, session.queue());
                    owned.add(group.queue());
                }
            }
        }
        for (String queue : host.queueNames()) {
            if ((queue.startsWith(SESSION_QUEUE_PREFIX) || queue.startsWith(MqttSharedGroups.QUEUE_PREFIX))
                    && !owned.contains(queue)) {
                log.info("mqtt: deleting queue '{}', which no restored session owns", queue);
                host.deleteQueue(queue, false, false, null);
            }
        }
        for (WillState kept : recovery.pendingWills()) {
            wills.restore(kept, timer);
        }
    }

    public MqttSettings settings() {
        return settings;
    }

    /** The adapter's counts; {@link MqttMetrics#register} puts them on a registry. */
    public MqttMetrics metrics() {
        return metrics;
    }

    /** The messages waiting in session queues, not yet handed to a connection; read when metrics are scraped. */
    public long queuedMessages() {
        long queued = 0;
        for (String name : host.queueNames()) {
            if (name.startsWith(SESSION_QUEUE_PREFIX)) {
                try {
                    queued += host.queue(name, null).stats().ready();
                } catch (BrokerException e) {
                    // Deleted since the names were read.
                }
            }
        }
        return queued;
    }

    /** The retained messages held. */
    public int retainedCount() {
        return retained.size();
    }

    Authenticator authenticator() {
        return authenticator;
    }

    MqttLimits limits() {
        return limits;
    }

    /** The connections that hold a place under {@code max-connections}: admitted, and not yet closed. */
    public int connectionsAdmitted() {
        return limits.connections();
    }

    /** The broker's clock, in milliseconds: what message expiry is counted on. */
    long now() {
        return clock.getAsLong();
    }

    /** The messages session queues have dropped at their length limit ({@link MqttSettings#maxQueuedMessages()}). */
    public long droppedMessages() {
        return drops.count();
    }

    /** The name of the queue of the client's session, if it has one. */
    public Optional<String> sessionQueue(String clientId) {
        return sessions.find(clientId).map(Session::queue);
    }

    /**
     * Lets MQTT 5 clients authenticate with {@code authenticator}'s method; it replaces one registered for the same
     * method. Connections that started an exchange before keep the one they had.
     */
    public void addAuthenticator(MqttAuthenticator authenticator) {
        authenticators.put(authenticator.method(), authenticator);
    }

    /** The authenticator of an Authentication Method, or null when there is none. */
    MqttAuthenticator authenticator(String method) {
        return authenticators.get(method);
    }

    String assignClientId() {
        return "lintas-" + UUID.randomUUID();
    }

    /**
     * Attaches {@code holder} to the client's session: resumes it or starts a new one, deletes the queue of a session
     * that this ended, and disconnects the connection that held the client id before (takeover).
     */
    SessionRegistry.Connected<MqttHandler> connect(String clientId, MqttHandler holder, boolean cleanStart,
            long expiryMillis) {
        SessionRegistry.Connected<MqttHandler> connected = sessions.connect(clientId, holder, cleanStart,
                expiryMillis);
        wills.connected(clientId, connected.present());
        if (connected.previousHolder() != null && connected.previousHolder() != holder) {
            connected.previousHolder().takenOver();
        }
        if (connected.ended() != null) {
            deleteQueue(connected.ended());
        }
        // Durable when the session outlives its connection, so that its messages survive a restart; also when a
        // session made with expiry 0 is resumed with a longer one.
        QueueSpec spec = settings.boundedQueue(connected.session().queue());
        declare(host, expiryMillis != 0 ? spec.asDurable() : spec);
        if (expiryMillis != 0 && connected.present()) {
            host.makeDurable(spec.name());
        }
        return connected;
    }

    /**
     * Declares a session's or a shared subscription's queue. One that exists keeps how it was made: restored from the
     * store under other queue limits, or made for a session that a connection with another expiry interval resumed.
     */
    static void declare(VirtualHost host, QueueSpec spec) {
        try {
            host.declareQueue(spec, null);
        } catch (BrokerException e) {
            if (e.error() != BrokerError.PRECONDITION_FAILED) {
                throw e;
            }
            log.debug("mqtt: queue '{}' kept as it is: {}", spec.name(), e.getMessage());
        }
    }

    /** The session's QoS 2 state, which outlives its connections and goes when the session ends. */
    MqttSessionState state(Session<MqttHandler> session) {
        return states.computeIfAbsent(session.queue(),
                queue -> new MqttSessionState(session.clientId(), persistence));
    }

    /** Starts delivering the session's queue to {@code consumer}, at most {@code window} unacknowledged at once. */
    Subscription consume(Session<MqttHandler> session, Consumer consumer, int window) {
        return host.queue(session.queue(), null)
                .consume(consumer, ConsumeOptions.manualAck("mqtt-" + session.clientId(), window));
    }

    /**
     * A client's PUBLISH: to every matching subscription, and retained (or cleared) for the topic when asked to.
     * Counted in the metrics; wills, which no client sends at that moment, are not. A QoS 2 PUBLISH is published only
     * the first time its packet id comes ({@link Session#qos2Received}), which the store keeps with the message.
     *
     * @param packetId the packet id (QoS 1 and 2)
     * @return completes when everything this publish changed is durable, and the client may be answered; at once
     *         without a store, and at QoS 0. For a re-sent QoS 2 PUBLISH, when the first one's publish is durable.
     */
    CompletionStage<Void> publish(Session<MqttHandler> session, MqttSessionState state, String topic, int qos,
            int packetId, boolean retain, byte[] payload, PublishProperties properties) {
        long position = qos == 0 ? 0 : host.durablePosition();
        if (qos == 2 && !session.qos2Received(packetId)) {
            return host.durableSince(state.publishedAt(packetId, position));
        }
        metrics.received(qos);
        route(session.clientId(), topic, qos, retain, payload, properties);
        if (qos == 2) {
            state.published(packetId, position);
        }
        // QoS 0 has no answer to wait for (and is not persistent): no waiter for the store to settle.
        return qos == 0 ? Persistence.DONE : host.durableSince(position);
    }

    /**
     * A client's PUBREL: forgets the packet id; returns whether it was awaiting it (v5: else reason 0x92), and when
     * that is durable, after which the PUBCOMP may go out (a PUBCOMP sent earlier could be followed, after a crash, by
     * the id coming back as awaiting PUBREL, and a new PUBLISH with it taken for a re-send).
     */
    Released release(Session<MqttHandler> session, MqttSessionState state, int packetId) {
        long position = host.durablePosition();
        boolean known = session.qos2Released(packetId);
        state.released(packetId);
        return new Released(known, host.durableSince(position));
    }

    /**
     * Records that a QoS 2 PUBLISH goes out ({@link MqttSessionState#sent}); the stage completes once that record is
     * durable (at once for a message that is not persistent, or with no store). The PUBLISH must wait for it: sent
     * earlier, a crash could lose the id, and the re-send after the restart would take a new one, which the client
     * would take for a second message; or, from a shared subscription's queue, another member could get it too.
     *
     * @param fromShared whether it came from a shared subscription's queue
     */
    CompletionStage<Void> sent(MqttSessionState state, MqttInFlight.Outgoing sent, boolean fromShared) {
        long position = host.durablePosition();
        state.sent(sent, fromShared);
        return sent.message().persistent() ? host.durableSince(position) : Persistence.DONE;
    }

    /**
     * A client's PUBREC for an outgoing QoS 2 PUBLISH, answered by {@code outgoing} (which records the id as awaiting
     * PUBCOMP, {@link MqttOutgoing#pubRec}); the stage completes once that record is durable. The PUBREL must wait for
     * it: sent earlier, a crash could bring back the id as unanswered, and the re-sent PUBLISH would follow a PUBREL
     * the client has completed, a second delivery [MQTT-4.3.3-6].
     */
    Answered pubRec(MqttOutgoing outgoing, int packetId, int reasonCode) {
        long position = host.durablePosition();
        Byte reason = outgoing.pubRec(packetId, reasonCode);
        return new Answered(reason, host.durableSince(position));
    }

    /** Whether a durable store keeps what the broker is told (not {@link Persistence#NONE}). */
    boolean durable() {
        return persistence != Persistence.NONE;
    }

    /**
     * What {@link #pubRec} answered, and when that is durable.
     *
     * @param reason the reason code of the PUBREL to send, or null for none (a refusing PUBREC ended the exchange)
     */
    record Answered(Byte reason, CompletionStage<Void> durable) {
    }

    /** What {@link #release} did. */
    record Released(boolean known, CompletionStage<Void> durable) {
    }

    private void route(String clientId, String topic, int qos, boolean retain, byte[] payload,
            PublishProperties properties) {
        Message.Builder builder = host.message(EXCHANGE, MqttTopics.toRoutingKey(topic))
                .payload(payload)
                .persistent(qos > 0)
                .property(QOS, qos)
                .property(PUBLISHER, clientId);
        if (retain) {
            builder.property(RETAIN, true);
        }
        properties.applyTo(builder);
        Message message = builder.build();
        if (retain) {
            retained.retain(message);
        }
        host.publish(message);
    }

    /**
     * What a SUBSCRIBE did to one filter.
     *
     * @param options the options recorded, with the QoS granted
     * @param existed whether the session had subscribed to the filter before (its options are now replaced)
     */
    record Subscribed(SubscriptionOptions options, boolean existed) {
    }

    /**
     * Records (or replaces) and binds a subscription with its MQTT 5 options, or joins a shared subscription's group;
     * the QoS granted is the one requested. A {@code $share/} filter must have been checked with
     * {@link MqttSharedGroups.Shared#valid()}.
     */
    Subscribed subscribe(Session<MqttHandler> session, String filter, SubscriptionOptions requested) {
        MqttSharedGroups.Shared group = MqttSharedGroups.Shared.parse(filter);
        if (group != null) {
            shared.join(group, session.queue());
        } else {
            host.bind(binding(session, filter), null);
        }
        boolean existed = session.subscribe(filter, requested) != null;
        return new Subscribed(requested, existed);
    }

    /** Starts taking messages from a shared subscription's queue as one of its competing consumers. */
    Subscription consumeShared(Session<MqttHandler> session, MqttSharedGroups.Shared group, Consumer consumer,
            int window) {
        return host.queue(group.queue(), null)
                .consume(consumer, ConsumeOptions.manualAck("mqtt-" + session.clientId(), window));
    }

    /** The shared subscription groups that have members, each with its queue. */
    public int sharedGroups() {
        return shared.groups();
    }

    /** Whether a connection holds the client's session now. */
    public boolean connected(String clientId) {
        return sessions.find(clientId).filter(session -> sessions.state(session) == Session.State.CONNECTED)
                .isPresent();
    }

    /** The connection holding the session now, or null. */
    MqttHandler holder(Session<MqttHandler> session) {
        return sessions.holder(session);
    }

    /** The retained messages a new subscription to {@code filter} receives. */
    List<RetainedStore.Retained> retained(String filter) {
        return retained.find(MqttTopics.toBindingKey(filter));
    }

    /** Forgets a subscription; returns whether there was one. */
    boolean unsubscribe(Session<MqttHandler> session, String filter) {
        if (session.unsubscribe(filter) == null) {
            return false;
        }
        MqttSharedGroups.Shared group = MqttSharedGroups.Shared.parse(filter);
        if (group != null) {
            shared.leave(group, session.queue());
        } else {
            host.unbind(binding(session, filter), null);
        }
        return true;
    }

    /** The connection of {@code holder} ended; a session with no expiry interval ends with it. */
    void disconnected(Session<MqttHandler> session, MqttHandler holder, long expiryMillis) {
        sessions.disconnected(session.clientId(), holder, expiryMillis).ifPresent(this::deleteQueue);
    }

    /**
     * A connection that had {@code will} ended without a normal DISCONNECT: publishes the will now, or after its
     * delay (at most the session's expiry interval) unless a connection resumes the same session first.
     */
    void connectionEnded(Session<MqttHandler> session, Will will, long expiryMillis,
            ScheduledExecutorService timer) {
        wills.connectionEnded(session, will, expiryMillis, timer);
    }

    /** Wills waiting out their delay. */
    public int pendingWills() {
        return wills.pending();
    }

    private void publishWill(String clientId, Will will) {
        route(clientId, will.topic(), will.qos(), will.retain(), will.payload(), will.properties());
    }

    /** Ends the offline sessions whose expiry interval has passed; a timer calls it. */
    public void expire() {
        sessions.expire().forEach(this::deleteQueue);
        retained.expire();
    }

    public int sessionCount() {
        return sessions.size();
    }

    /**
     * Whether an MQTT filter matches an MQTT topic name; a filter that starts with a wildcard skips '$' topics. It
     * runs for every delivery against each of the session's filters, so it walks the levels in place and allocates
     * nothing.
     */
    static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        int f = 0; // where the filter's current level starts
        int t = 0; // where the topic's current level starts; past its length once the topic has no more levels
        while (true) {
            int fEnd = levelEnd(filter, f);
            boolean wildcard = fEnd - f == 1;
            if (wildcard && filter.charAt(f) == '#') {
                return true;
            }
            if (t > topic.length()) {
                return false;
            }
            int tEnd = levelEnd(topic, t);
            if (!(wildcard && filter.charAt(f) == '+')
                    && (fEnd - f != tEnd - t || !filter.regionMatches(f, topic, t, fEnd - f))) {
                return false;
            }
            if (fEnd == filter.length()) {
                return tEnd == topic.length();
            }
            f = fEnd + 1;
            t = tEnd + 1;
        }
    }

    private static int levelEnd(String name, int start) {
        int slash = name.indexOf('/', start);
        return slash < 0 ? name.length() : slash;
    }

    /** A topic name a client may publish to: not empty, no wildcards, no NUL. */
    static boolean validTopicName(String topic) {
        return !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0 && topic.indexOf('\0') < 0;
    }

    /** A topic filter: '#' only as the whole last level, '+' only as a whole level. */
    static boolean validFilter(String filter) {
        if (filter.isEmpty() || filter.indexOf('\0') >= 0) {
            return false;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return false;
            }
            if (level.contains("+") && !level.equals("+")) {
                return false;
            }
        }
        return true;
    }

    private static Binding binding(Session<?> session, String filter) {
        return Binding.of(EXCHANGE, session.queue(), MqttTopics.toBindingKey(filter)).asDollarProtected();
    }

    private void deleteQueue(Session<?> session) {
        host.deleteQueue(session.queue(), false, false, null);
        for (String filter : session.subscriptions().keySet()) {
            MqttSharedGroups.Shared group = MqttSharedGroups.Shared.parse(filter);
            if (group != null) {
                shared.leave(group, session.queue());
            }
        }
        drops.forget(session.queue());
        MqttSessionState state = states.remove(session.queue());
        int held = state == null ? 0 : state.heldCount();
        if (state != null) {
            state.ended();
        }
        if (held > 0) {
            log.info("mqtt client '{}': its session ended with {} messages (QoS 2 from shared subscriptions, or "
                    + "retained) that were sent to it and not acknowledged; they are dropped, never sent to another "
                    + "member (MQTT 5 4.8.2)", session.clientId(), held);
        }
    }
}
