package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.Persistence;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The packet ids a session keeps for its re-sends: how long each is kept, and what the store is told. */
class MqttSessionStateTest {

    /** The outgoing QoS 2 ids the store was told to forget. */
    private final List<Integer> completed = new ArrayList<>();
    /** Every other record the store was asked to write, by kind and packet id. */
    private final List<String> written = new ArrayList<>();
    private final MqttSessionState state = new MqttSessionState("client", new Persistence() {
        @Override
        public void qos2Completed(String clientId, int packetId) {
            completed.add(packetId);
        }

        @Override
        public void qos2Published(String clientId, int packetId, long messageId) {
            written.add("published " + packetId);
        }

        @Override
        public void qos2Sent(String clientId, int packetId) {
            written.add("sent " + packetId);
        }

        @Override
        public void publishHeld(dev.lintas.broker.core.HeldPublish held) {
            written.add("held " + held.packetId());
        }
    });

    private static Message message(long id) {
        return Message.builder(id, MqttBroker.EXCHANGE, "t").payload(new byte[0]).persistent(true).build();
    }

    private static MqttInFlight.Outgoing outgoing(int packetId, Message message) {
        return new MqttInFlight.Outgoing(packetId, 2, 1, null, "t", false, message, Long.MAX_VALUE, List.of());
    }

    @Test
    void anIdIsKeptThroughConnectionsThatDoNotResendItUntilItsMessageLeavesTheQueue() {
        Message kept = message(10);
        state.sent(outgoing(5, kept), false);
        state.unanswered(List.of(outgoing(5, kept)));
        state.unanswered(List.of()); // a connection that ended before the queue re-sent it
        state.unanswered(List.of());
        assertThat(state.resendId(10)).isEqualTo(5);
        assertThat(state.reserves(5)).isTrue();
        assertThat(completed).isEmpty(); // the store keeps it too, for a restart

        state.leftQueue(10); // expired, say, before anyone re-sent it
        assertThat(state.resendId(10)).isEqualTo(-1);
        assertThat(completed).containsExactly(5); // the store forgets it
        // A QoS 2 id: the client may hold it awaiting PUBREL, so it is not given again (see the test below).
        assertThat(state.reserves(5)).isTrue();
        state.leftQueue(10);
        assertThat(completed).containsExactly(5);
    }

    @Test
    void anIdAwaitingPubcompStaysWhenItsMessageLeavesTheQueue() {
        Message answered = message(11);
        state.sent(outgoing(6, answered), false);
        state.unanswered(List.of(outgoing(6, answered)));
        state.awaitComplete(6); // the re-send got its PUBREC: the delivery is acknowledged next
        state.leftQueue(11);
        assertThat(state.reserves(6)).isTrue();
        assertThat(completed).isEmpty();
        assertThat(state.completed(6)).isTrue();
        assertThat(completed).containsExactly(6);
    }

    @Test
    void aMessageSentAgainWithAnotherIdKeepsOnlyTheLastOne() {
        Message message = message(12);
        state.unanswered(List.of(outgoing(7, message)));
        state.unanswered(List.of(outgoing(8, message)));
        assertThat(state.resendId(12)).isEqualTo(8);
        assertThat(state.reserves(8)).isTrue();
        // The first id of a QoS 2 message: its client may hold it awaiting PUBREL, so it is not given again.
        assertThat(state.reserves(7)).isTrue();
    }

    @Test
    void aConnectionThatTakesTheSessionOverNeverGivesANewPublishAnIdTheGoingOneMayHold() {
        MqttOutgoing going = new MqttOutgoing(state, 10);
        MqttOutgoing taking = new MqttOutgoing(state, 10);
        int sharedQos2 = going.inFlight().nextPacketId(); // a shared subscription's QoS 2 message, not answered
        going.inFlight().add(new MqttInFlight.Outgoing(sharedQos2, 2, -1, null, "t", false, message(20),
                Long.MAX_VALUE, List.of()));
        int fresh = taking.inFlight().nextPacketId(); // the new connection sends before the going one has ended
        assertThat(fresh).isNotEqualTo(sharedQos2);

        going.connectionEnded(null); // held for the session, with its id
        assertThat(state.heldCount()).isEqualTo(1);
        assertThat(taking.inFlight().nextPacketId()).isNotIn(sharedQos2, fresh);
        List<MqttInFlight.Outgoing> held = state.takeHeld();
        assertThat(held).extracting(MqttInFlight.Outgoing::packetId).containsExactly(sharedQos2);
        assertThat(taking.inFlight().take(sharedQos2)).as("free for the re-send at once").isTrue();
        assertThat(taking.inFlight().take(sharedQos2)).as("but only once").isFalse();
    }

    @Test
    void theGoingConnectionsEndLeavesTheStoreTheSendsOfTheConnectionThatTookTheSessionOver() {
        MqttOutgoing going = new MqttOutgoing(state, 10);
        MqttOutgoing taking = new MqttOutgoing(state, 10);
        Message goingsMessage = message(30);
        MqttInFlight.Outgoing goingsSend = outgoing(going.inFlight().nextPacketId(), goingsMessage);
        going.inFlight().add(goingsSend);
        state.sent(goingsSend, false);
        MqttInFlight.Outgoing takingsSend = outgoing(taking.inFlight().nextPacketId(), message(31));
        taking.inFlight().add(takingsSend);
        state.sent(takingsSend, false); // on the wire, its record on disk: a crash now must re-send it with its id

        state.unanswered(List.of(goingsSend)); // the going connection ends
        state.leftQueue(goingsMessage.id()); // and its message is answered on the new one, say

        assertThat(completed).containsExactly(goingsSend.packetId());
    }

    /**
     * A connection of a session that ended (a clean-start takeover) may still send, be answered or end: none of it
     * reaches the store, which by then may hold a new session with the same client id.
     */
    @Test
    void afterTheSessionEndedNothingReachesTheStore() {
        MqttOutgoing going = new MqttOutgoing(state, 10);
        MqttInFlight.Outgoing first = outgoing(going.inFlight().nextPacketId(), message(40));
        going.inFlight().add(first);
        state.sent(first, false);
        state.ended();
        written.clear();
        completed.clear();

        MqttInFlight.Outgoing late = outgoing(going.inFlight().nextPacketId(), message(41));
        going.inFlight().add(late);
        state.sent(late, false);
        state.awaitComplete(late.packetId());
        state.hold(first);
        state.completed(late.packetId());

        assertThat(written).isEmpty();
        assertThat(completed).isEmpty();
    }

    /**
     * After a restart the session holds a message with packet id 1, and the next id it would give is 1 too. A new
     * connection takes the held message to re-send it, but it must wait for room under the Receive Maximum: until it
     * is written, no new PUBLISH may take its id.
     */
    @Test
    void aHeldIdTakenForItsReSendStaysReservedUntilItIsWritten() {
        MqttSessionState restarted = new MqttSessionState("client", Persistence.NONE);
        restarted.restoreHeld(new dev.lintas.broker.core.HeldPublish("client", 1, 2, "t", false, Long.MAX_VALUE,
                List.of(), message(60), null));
        List<MqttInFlight.Outgoing> taken = restarted.takeHeld(); // parked: the window is full

        assertThat(taken).extracting(MqttInFlight.Outgoing::packetId).containsExactly(1);
        assertThat(restarted.reserves(1)).isTrue();
        assertThat(restarted.newPacketId()).isNotEqualTo(1);
        assertThat(restarted.takeKept(1)).as("written at last, with its own id").isTrue();
    }

    /**
     * A QoS 2 PUBLISH sent and never answered, whose message then leaves the queue without being sent again (it
     * expired, say): the client may hold its id awaiting PUBREL, so the id is never given to a new PUBLISH. A QoS 1
     * one's id, or a QoS 2 one the client answered, is free again.
     */
    @Test
    void theIdOfAQos2PublishLeftUnansweredWhoseMessageIsGoneIsNeverGivenAgain() {
        MqttOutgoing going = new MqttOutgoing(state, 10);
        Message qos2 = message(70);
        MqttInFlight.Outgoing unanswered = outgoing(going.inFlight().nextPacketId(), qos2);
        going.inFlight().add(unanswered);
        Message qos1 = message(71);
        MqttInFlight.Outgoing acked = new MqttInFlight.Outgoing(going.inFlight().nextPacketId(), 1, 2, null, "t",
                false, qos1, Long.MAX_VALUE, List.of());
        going.inFlight().add(acked);
        state.unanswered(List.of(unanswered, acked)); // the connection ends

        state.leftQueue(qos2.id()); // expired before it could be sent again
        state.leftQueue(qos1.id());

        assertThat(state.reserves(unanswered.packetId())).isTrue();
        assertThat(state.reserves(acked.packetId())).isFalse();
    }
}
