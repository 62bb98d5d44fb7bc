package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.HeldPublish;
import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.Persistence;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an MQTT session remembers about its QoS 1 and 2 exchanges beyond one connection, so that a client that
 * resumes its session after a reconnect gets neither a duplicate nor a lost message. {@link MqttBroker} keeps one per
 * session and drops it when the session ends.
 * <p>
 * Incoming: the packet ids of QoS 2 messages that were published to the core and whose PUBREL has not come yet are
 * the core session's ({@link dev.lintas.broker.core.Session#awaitingRelease}), which the durable store keeps; a
 * PUBLISH that re-uses one of them is the client re-sending (DUP), and is not published again. Here only the store
 * position each was published at, so that the re-send's PUBREC waits for the first publish to be durable.
 * <p>
 * Outgoing: the packet ids of QoS 2 messages the client has answered with PUBREC (the core delivery is acknowledged
 * then: the message is the client's) and that await PUBCOMP. A reconnect re-sends PUBREL for them, never the PUBLISH.
 * And for the QoS 1 and 2 messages from the session's queue that were sent but not yet PUBACK'd or PUBREC'd when a
 * connection ended, which went back to the queue: their packet ids by message id, so that the re-send carries the
 * same id (MQTT-4.4.0-1) and a client that did get the first one recognises the duplicate. Such an id stays with its
 * message until the message leaves the queue ({@link #leftQueue}: answered, expired, dropped), however many
 * connections end before it is re-sent or answered.
 * <p>
 * Held: QoS 2 messages from a shared subscription's queue, and QoS 1 and 2 retained ones (sent on subscribe, from no
 * queue), that were sent to this session's client and not yet answered when its connection ended. MQTT 5 (4.8.2) says
 * a shared one is completed with that client when it reconnects and is never sent to another member; so it is taken
 * out of the group's queue and kept here, with its packet id, and re-sent (DUP, same id) when the session resumes, as
 * a retained one is (MQTT 4.4). If the session ends first, it is dropped. The durable store keeps a held persistent
 * message of a session that outlives its connection, whole, so that a restart re-sends it once: never lost, and never
 * also delivered from the queue it left. A shared one is told to the store as it is sent ({@link #sent}), with what
 * holding it needs, so that a crash while the connection is still open leaves it held too.
 * <p>
 * Thread-safe: the connection holding the session uses it from its event loop, but during a takeover the connection
 * that is going may still touch it, so every method locks.
 */
final class MqttSessionState {

    private final String clientId;
    /** Told of the ids awaiting PUBCOMP, so that they survive a restart; none once the session ended. */
    private Persistence persistence;
    private final Map<Integer, Long> publishedAt = new HashMap<>();
    /** Outgoing QoS 2 PUBLISH packets of persistent messages not answered yet, which the store keeps: id to message. */
    private final Map<Integer, Long> sentUnanswered = new HashMap<>();
    private final Set<Integer> awaitingComplete = new LinkedHashSet<>();
    /** The packet id each message of the session's queue was last sent with, unanswered; see {@link #leftQueue}. */
    private final Map<Long, Integer> resendIds = new HashMap<>();
    /** The same pairs the other way: packet id to message id. */
    private final Map<Integer, Long> reservedForResend = new HashMap<>();
    /** Whether {@link #resendIds} has any entry: read without the lock by {@link #leftQueue}, on every removal. */
    private volatile boolean keepsResendIds;
    private final Map<Integer, MqttInFlight.Outgoing> held = new LinkedHashMap<>();
    /**
     * The packet ids of held messages the store was told of ({@link Persistence#publishHeld}), held now or re-sent
     * and not answered yet: the store forgets each once it is answered, expires, or the session ends.
     */
    private final Set<Integer> heldStored = new HashSet<>();
    /**
     * The packet ids of PUBLISH packets sent and not yet answered, by whichever connection sent them: during a
     * takeover the connection that is going still has its own, which a new PUBLISH of the connection that took over
     * must not take, since the going one's end may hold them for a re-send.
     */
    private final Set<Integer> onTheWire = new HashSet<>();
    /** The ids in {@link #reservedForResend} of QoS 2 PUBLISH packets: the client may hold them awaiting PUBREL. */
    private final Set<Integer> qos2Resends = new HashSet<>();
    /**
     * The packet ids of QoS 2 PUBLISH packets that were sent, never answered, and whose message then left the queue
     * unsent (expired, dropped): the client may still hold each, awaiting a PUBREL that will never come, and would take
     * a new PUBLISH with it for a duplicate and drop it (MQTT 4.3.3). So they are never given again in this session.
     */
    private final Set<Integer> retired = new HashSet<>();
    /**
     * The packet ids of held PUBLISH packets taken to be re-sent and not written yet (one may wait for room under the
     * client's Receive Maximum): no new PUBLISH may take them meanwhile.
     */
    private final Set<Integer> resending = new HashSet<>();
    /** The last packet id given to a new PUBLISH; the next one is looked for after it. */
    private int lastPacketId;

    MqttSessionState(String clientId, Persistence persistence) {
        this.clientId = clientId;
        this.persistence = persistence;
    }

    /**
     * The client's QoS 2 PUBLISH with {@code packetId} was published at {@code position} of the durable store (which
     * keeps the id itself, in {@link dev.lintas.broker.core.Session#qos2Received}): a re-send of it is answered once
     * that publish is durable.
     */
    synchronized void published(int packetId, long position) {
        publishedAt.put(packetId, position);
    }

    /**
     * The store position from which a re-sent QoS 2 PUBLISH waits for its first publish to be durable, or
     * {@code otherwise} when it was published before the broker started (it is on disk already).
     */
    synchronized long publishedAt(int packetId, long otherwise) {
        return publishedAt.getOrDefault(packetId, otherwise);
    }

    /** The client released {@code packetId} (PUBREL). */
    synchronized void released(int packetId) {
        publishedAt.remove(packetId);
    }

    /**
     * A QoS 2 PUBLISH goes out. For a persistent message the store keeps its packet id and message id until the
     * client answers, so that a re-send after a restart keeps the packet id; for one from a shared subscription's
     * queue, also what holding it needs, so that a stop before the answer leaves it with this session (see the class
     * comment), as the connection's end would. A retained one, from no queue, is kept whole at once, as a held one.
     *
     * @param fromShared whether it came from a shared subscription's queue; not from the session's own queue, nor a
     *        retained message
     */
    synchronized void sent(MqttInFlight.Outgoing sent, boolean fromShared) {
        int packetId = sent.packetId();
        Message message = sent.message();
        if (!message.persistent() || heldStored.contains(packetId)) { // A held one's record is kept whole.
            return;
        }
        if (sent.tag() < 0) { // Retained (no core delivery): no queue has it for a re-send, so the record keeps it.
            heldStored.add(packetId);
            persistence.publishHeld(held(sent));
            return;
        }
        sentUnanswered.put(packetId, message.id());
        if (fromShared) {
            persistence.sharedQos2Published(held(sent));
        } else {
            persistence.qos2Published(clientId, packetId, message.id());
        }
    }

    /** The client refused the QoS 2 PUBLISH with {@code packetId} (PUBREC with an error): the exchange is over. */
    synchronized void refused(int packetId) {
        qos2Resends.remove(packetId);
        onTheWire.remove(packetId);
        boolean stored = sentUnanswered.remove(packetId) != null;
        stored |= heldStored.remove(packetId);
        if (stored) {
            persistence.qos2Completed(clientId, packetId);
        }
    }

    /** Puts back a sent, unanswered QoS 2 PUBLISH the durable store kept, without telling it; see {@link #sent}. */
    synchronized void restoreSent(long messageId, int packetId) {
        sentUnanswered.put(packetId, messageId);
        keepForResend(messageId, packetId);
        qos2Resends.add(packetId);
    }

    /** The client answered a QoS 2 PUBLISH with PUBREC: PUBREL goes out, and the id stays taken until PUBCOMP. */
    synchronized void awaitComplete(int packetId) {
        qos2Resends.remove(packetId);
        sentUnanswered.remove(packetId); // The store's record of it is superseded by the one below.
        heldStored.remove(packetId);
        if (awaitingComplete.add(packetId)) {
            persistence.qos2Sent(clientId, packetId);
        }
        onTheWire.remove(packetId); // Reserved all along: awaiting PUBCOMP now.
    }

    /** Puts back an id awaiting PUBCOMP that the durable store kept, without telling it. */
    synchronized void restoreAwaitComplete(int packetId) {
        awaitingComplete.add(packetId);
    }

    /** The session ended: forgets the ids awaiting PUBCOMP and the unanswered sends, in the store too. */
    synchronized void ended() {
        for (int packetId : awaitingComplete) {
            persistence.qos2Completed(clientId, packetId);
        }
        awaitingComplete.clear();
        for (int packetId : sentUnanswered.keySet()) {
            persistence.qos2Completed(clientId, packetId);
        }
        sentUnanswered.clear();
        for (int packetId : heldStored) {
            persistence.qos2Completed(clientId, packetId);
        }
        heldStored.clear();
        held.clear();
        resending.clear();
        qos2Resends.clear();
        retired.clear();
        resendIds.clear();
        reservedForResend.clear();
        keepsResendIds = false;
        // A connection of the ended session may still answer or end: nothing it does is the store's business any
        // more, and a new session with the same client id must not get its records.
        persistence = Persistence.NONE;
    }

    /** A PUBCOMP: returns whether the id was awaiting it. */
    synchronized boolean completed(int packetId) {
        if (!awaitingComplete.remove(packetId)) {
            return false;
        }
        persistence.qos2Completed(clientId, packetId);
        return true;
    }

    synchronized boolean isAwaitingComplete(int packetId) {
        return awaitingComplete.contains(packetId);
    }

    /** The ids to re-send PUBREL for when a connection resumes the session, oldest first. */
    synchronized List<Integer> awaitingComplete() {
        return List.copyOf(awaitingComplete);
    }

    synchronized int awaitingCompleteCount() {
        return awaitingComplete.size();
    }

    /**
     * A connection ended with these PUBLISH packets unanswered, and their messages went back to the queue: keeps
     * their packet ids for the re-send, beside those an earlier connection left and that are still in the queue.
     */
    synchronized void unanswered(List<MqttInFlight.Outgoing> outgoing) {
        for (MqttInFlight.Outgoing sent : outgoing) {
            keepForResend(sent.message().id(), sent.packetId());
            if (sent.qos() == 2) {
                qos2Resends.add(sent.packetId());
            }
            onTheWire.remove(sent.packetId());
        }
        // The store forgets the sends that will not be re-sent with their id (held ones, or gone from the queue). Those
        // still on the wire are another connection's, one that took the session over: not this one's to forget.
        for (Iterator<Map.Entry<Integer, Long>> it = sentUnanswered.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Integer, Long> sent = it.next();
            if (!onTheWire.contains(sent.getKey()) && !sent.getValue().equals(reservedForResend.get(sent.getKey()))) {
                it.remove();
                persistence.qos2Completed(clientId, sent.getKey());
            }
        }
    }

    private void keepForResend(long messageId, int packetId) {
        Integer before = resendIds.put(messageId, packetId);
        if (before != null && before != packetId) {
            reservedForResend.remove(before);
            if (qos2Resends.remove(before)) {
                retired.add(before);
            }
        }
        reservedForResend.put(packetId, messageId);
        keepsResendIds = true;
    }

    /** The packet id a re-send of {@code messageId} must keep, or -1 if it has none. It stays reserved. */
    synchronized int resendId(long messageId) {
        return resendIds.getOrDefault(messageId, -1);
    }

    /**
     * The message left the session's queue for good: acknowledged (the client answered, or it was not for the client
     * after all), expired, dropped at the queue's limit, or deleted with the queue. Its packet id is free again, and
     * the store forgets it unless the client's PUBREC made it an id awaiting PUBCOMP. Called under the queue's lock,
     * for every removal from the queue, so it returns at once when no id is kept.
     */
    void leftQueue(long messageId) {
        if (!keepsResendIds) {
            return;
        }
        synchronized (this) {
            Integer packetId = resendIds.remove(messageId);
            if (packetId == null) {
                return;
            }
            reservedForResend.remove(packetId);
            keepsResendIds = !resendIds.isEmpty();
            if (qos2Resends.remove(packetId)) {
                retired.add(packetId); // Left unanswered: answered ones were taken out of qos2Resends first.
            }
            Long stored = sentUnanswered.get(packetId);
            if (stored != null && stored == messageId) {
                sentUnanswered.remove(packetId);
                persistence.qos2Completed(clientId, packetId);
            }
        }
    }

    /**
     * Whether a new PUBLISH must not take {@code packetId}: it is on the wire (sent by any connection of the session
     * and not answered), awaits PUBCOMP, or is kept for a re-send.
     */
    synchronized boolean reserves(int packetId) {
        return onTheWire.contains(packetId) || awaitingComplete.contains(packetId)
                || reservedForResend.containsKey(packetId) || held.containsKey(packetId)
                || resending.contains(packetId) || retired.contains(packetId);
    }

    /** Takes a packet id for a new PUBLISH: one that {@link #reserves} nothing. It is on the wire until answered. */
    synchronized int newPacketId() {
        for (int i = 0; i < 65_535; i++) {
            lastPacketId = lastPacketId % 65_535 + 1;
            if (!reserves(lastPacketId)) {
                onTheWire.add(lastPacketId);
                return lastPacketId;
            }
        }
        throw new IllegalStateException("no free packet id");
    }

    /** Takes {@code packetId} for a re-send that keeps it; false if a PUBLISH on the wire has it already. */
    synchronized boolean takeKept(int packetId) {
        resending.remove(packetId);
        return onTheWire.add(packetId);
    }

    /** The PUBLISH with {@code packetId} was answered with PUBACK, or went back to its queue: the id is off the wire. */
    synchronized void offTheWire(int packetId) {
        onTheWire.remove(packetId);
        if (heldStored.remove(packetId)) { // a held QoS 1 re-send, answered
            persistence.qos2Completed(clientId, packetId);
        }
    }

    /** Keeps a PUBLISH that must be completed with this session's client; see the class comment. */
    synchronized void hold(MqttInFlight.Outgoing outgoing) {
        int packetId = outgoing.packetId();
        held.put(packetId, outgoing);
        onTheWire.remove(packetId);
        resending.remove(packetId);
        sentUnanswered.remove(packetId); // Superseded in the store by the held record.
        if (outgoing.message().persistent() && heldStored.add(packetId)) {
            persistence.publishHeld(held(outgoing));
        }
    }

    private HeldPublish held(MqttInFlight.Outgoing outgoing) {
        return new HeldPublish(clientId, outgoing.packetId(), outgoing.qos(), outgoing.topic(), outgoing.retain(),
                outgoing.expiresAtMillis(), outgoing.subscriptionIds(), outgoing.message(),
                outgoing.from() == null ? "" : outgoing.from().queue());
    }

    /** Puts back a held PUBLISH the durable store kept, without telling it. */
    synchronized void restoreHeld(HeldPublish kept) {
        held.put(kept.packetId(), new MqttInFlight.Outgoing(kept.packetId(), kept.qos(), -1, null, kept.topic(),
                kept.retain(), kept.message(), kept.expiresAtMillis(), kept.subscriptionIds()));
        heldStored.add(kept.packetId());
    }

    /** A held PUBLISH taken to re-send expired instead: it is dropped, in the store too. */
    synchronized void dropHeld(int packetId) {
        held.remove(packetId);
        resending.remove(packetId);
        if (heldStored.remove(packetId)) {
            persistence.qos2Completed(clientId, packetId);
        }
    }

    /** Takes every held PUBLISH, oldest first, to re-send. */
    synchronized List<MqttInFlight.Outgoing> takeHeld() {
        List<MqttInFlight.Outgoing> all = List.copyOf(held.values());
        resending.addAll(held.keySet()); // Reserved until written ({@link #takeKept}) or held again.
        held.clear();
        return all;
    }

    synchronized int heldCount() {
        return held.size();
    }
}
