package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Subscription;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodes;

import java.util.ArrayList;
import java.util.List;

/**
 * The broker-to-client QoS 1 and 2 exchanges of one connection, as a state machine over its {@link MqttInFlight}
 * (PUBLISH packets awaiting PUBACK or PUBREC) and its session's {@link MqttSessionState} (ids awaiting PUBCOMP, and
 * what is kept for a re-send): it decides what each answer settles and what goes back, and when the core
 * subscriptions must pause. {@link MqttHandler} writes the packets.
 * <p>
 * Event loop only.
 */
final class MqttOutgoing {

    private final MqttSessionState session;
    private final MqttInFlight inFlight;
    /** The most QoS 1 and 2 messages unfinished at once (until PUBACK or PUBCOMP): the client's Receive Maximum. */
    private final int window;
    private boolean paused;
    /** QoS 1 deliveries the client has answered, not yet acknowledged to the core. */
    private final MqttAckBatch answered = new MqttAckBatch();

    MqttOutgoing(MqttSessionState session, int window) {
        this.session = session;
        this.inFlight = new MqttInFlight(session);
        this.window = window;
    }

    MqttInFlight inFlight() {
        return inFlight;
    }

    int window() {
        return window;
    }

    boolean paused() {
        return paused;
    }

    /**
     * A PUBACK: the client has the QoS 1 message. Its core delivery is acknowledged by the next
     * {@link #settleAnswered}, together with the others answered in the same read.
     */
    void pubAck(int packetId) {
        MqttInFlight.Outgoing sent = inFlight.answered(packetId, 1);
        if (sent == null) {
            return;
        }
        session.offTheWire(packetId);
        if (sent.tag() >= 0 && sent.from() != null) {
            answered.add(sent.from(), sent.tag());
        }
    }

    /**
     * Acknowledges to the core the deliveries whose PUBACK came since the last call: at the end of each read, and
     * when the connection ends, before its subscriptions close and would take them back.
     */
    void settleAnswered() {
        if (!answered.isEmpty()) {
            answered.acknowledge();
        }
    }

    /**
     * A PUBREC: the client has the QoS 2 message, so its core delivery is acknowledged now, and only the packet id is
     * kept, in the session, until PUBCOMP. Returns the reason code of the PUBREL to send, or null when a v5 reason
     * code of 0x80 or more ended the delivery there. A PUBREC for an id that awaits PUBCOMP already gets PUBREL again;
     * for an unknown id, PUBREL 0x92 (v5).
     */
    Byte pubRec(int packetId, int reasonCode) {
        MqttInFlight.Outgoing sent = inFlight.answered(packetId, 2);
        if (sent == null) {
            return session.isAwaitingComplete(packetId) ? MqttReasonCodes.PubRel.SUCCESS.byteValue()
                    : MqttReasonCodes.PubRel.PACKET_IDENTIFIER_NOT_FOUND.byteValue();
        }
        if (reasonCode >= 0x80) {
            session.refused(packetId);
            sent.settle();
            return null;
        }
        session.awaitComplete(packetId); // Before the delivery is settled, so that the store never has neither.
        sent.settle();
        return MqttPubReplyMessageVariableHeader.REASON_CODE_OK;
    }

    /** A PUBCOMP: the id is free again. */
    void pubComp(int packetId) {
        session.completed(packetId);
    }

    /** What a connection that resumes the session sends first: PUBREL for every id awaiting PUBCOMP, never PUBLISH. */
    List<MqttMessage> releasesToResend() {
        return session.awaitingComplete().stream()
                .map(id -> pubReply(MqttMessageType.PUBREL, id, MqttPubReplyMessageVariableHeader.REASON_CODE_OK))
                .toList();
    }

    /** Whether the client's window is full: as many QoS 1 and 2 messages unfinished as its Receive Maximum. */
    boolean full() {
        return inFlight.size() + session.awaitingCompleteCount() >= window;
    }

    /**
     * Pauses every core subscription of the connection while the channel's outbound buffer is above its high-water
     * mark (write backpressure: what is already on its way is bounded by the window, since even QoS 0 deliveries stay
     * unacknowledged until written), and while the client holds a full window. The core's prefetch counts a delivery
     * until PUBACK or PUBREC; this also counts the QoS 2 ids awaiting PUBCOMP, as the client's Receive Maximum does.
     */
    void updateFlow(boolean writable, List<Subscription> subscriptions) {
        boolean blocked = !writable || full();
        if (blocked != paused) {
            paused = blocked;
            for (Subscription subscription : subscriptions) {
                if (blocked) {
                    subscription.pause();
                } else {
                    subscription.resume();
                }
            }
        }
    }

    /**
     * The connection ended: decides the fate of the PUBLISH packets the client has not answered. One from the
     * session's own queue ({@code own}) goes back to it when that subscription closes, and its packet id is kept for
     * the re-send (MQTT-4.4.0-1). A QoS 2 one from a shared subscription's queue is taken over by the session: it must
     * be completed with this client and never go to another member (MQTT 5 4.8.2), so it is acknowledged to its queue
     * and held; a QoS 1 one goes back to the group's queue. A retained message sent on subscribe, at QoS 1 or 2, has
     * no queue to go back to: it is held too. A held message is re-sent, with DUP and its packet id, when the session
     * resumes.
     */
    void connectionEnded(Subscription own) {
        settleAnswered();
        List<MqttInFlight.Outgoing> requeued = new ArrayList<>();
        for (MqttInFlight.Outgoing sent : inFlight.clear()) {
            if (sent.tag() >= 0 && sent.from() == own) {
                requeued.add(sent);
            } else if (sent.qos() == 2 || sent.from() == null) {
                session.hold(sent); // First, so that the store has it before it leaves its queue.
                sent.settle();
            } else {
                session.offTheWire(sent.packetId()); // A QoS 1 one back to a group's queue: its id is free.
            }
        }
        session.unanswered(requeued);
    }

    /** PUBREC, PUBREL or PUBCOMP; the encoder leaves the reason code out for 3.1.1, and for v5 when it is 0. */
    static MqttMessage pubReply(MqttMessageType type, int packetId, byte reason) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, reason, MqttProperties.NO_PROPERTIES));
    }
}
