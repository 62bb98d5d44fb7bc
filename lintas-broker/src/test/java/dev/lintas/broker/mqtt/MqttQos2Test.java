package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.lintas.broker.mqtt.RawMqttClient.DISCONNECT;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBACK;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBCOMP;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREC;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * QoS 2 on a real broker: the exchanges written as raw bytes where the edge cases need it (a DUP re-send, a PUBREL
 * after reconnect, an unknown PUBREL, too many unfinished messages), and real clients for the rest. That a duplicate
 * was not published is shown by a marker published after it: it arrives next, on the same ordered path.
 */
class MqttQos2Test {

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(
            MqttSettings.DEFAULTS.withReceiveMaximum(3));

    private static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private void expectReply(RawMqttClient client, int type, int packetId, int reasonCode) throws Exception {
        RawMqttClient.Packet reply = client.read();
        assertThat(reply.type()).isEqualTo(type);
        assertThat(reply.packetId()).isEqualTo(packetId);
        assertThat(reply.reasonCode()).isEqualTo(reasonCode);
    }

    /** A QoS 2 PUBLISH, which the broker must answer with PUBREC (reason 0). */
    private void publishQos2(RawMqttClient client, String topic, int packetId, boolean dup, String payload)
            throws Exception {
        client.publish(topic, 2, packetId, dup, payload);
        expectReply(client, PUBREC, packetId, 0);
    }

    private static void expectPayloads(Mqtt5BlockingClient.Mqtt5Publishes received, String... payloads)
            throws InterruptedException {
        for (String payload : payloads) {
            assertThat(text(received.receive(5, TimeUnit.SECONDS).orElseThrow())).isEqualTo(payload);
        }
    }

    /** Ends a QoS 2 exchange with PUBREL, then publishes a marker at QoS 1 on the same connection. */
    private void releaseThenMarker(RawMqttClient client, String topic, int packetId) throws Exception {
        client.reply(PUBREL, packetId);
        expectReply(client, PUBCOMP, packetId, 0);
        client.publish(topic, 1, packetId + 1, false, "marker");
        expectReply(client, PUBACK, packetId + 1, 0);
    }

    @Test
    void incomingQos2IsPublishedOnceAndADupResendOnlyGetsPubrecAgain() throws Exception {
        for (boolean v5 : new boolean[] {true, false}) {
            Mqtt5BlockingClient sub = mqtt.v5("sub-" + v5);
            try (Mqtt5BlockingClient.Mqtt5Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL);
                    RawMqttClient pub = RawMqttClient.connect(mqtt.port(), "raw-pub-" + v5, v5, true, 0, 0)) {
                sub.subscribeWith().topicFilter("q2/#").qos(MqttQos.AT_LEAST_ONCE).send();
                publishQos2(pub, "q2/a", 7, false, "once");
                publishQos2(pub, "q2/a", 7, true, "once");
                releaseThenMarker(pub, "q2/a", 7);

                expectPayloads(received, "once", "marker");
            }
            sub.disconnect();
        }
    }

    @Test
    void unknownPubrelGetsPubcompWithPacketIdentifierNotFoundInV5() throws Exception {
        try (RawMqttClient v5 = RawMqttClient.connect(mqtt.port(), "raw5", true, true, 0, 0);
                RawMqttClient v3 = RawMqttClient.connect(mqtt.port(), "raw3", false, true, 0, 0)) {
            v5.reply(PUBREL, 42);
            expectReply(v5, PUBCOMP, 42, 0x92);
            v3.reply(PUBREL, 42);
            RawMqttClient.Packet comp = v3.read();
            assertThat(comp.type()).isEqualTo(PUBCOMP);
            assertThat(comp.body()).hasSize(2); // 3.1.1 has no reason code
            // A PUBREL released once is unknown the second time.
            publishQos2(v5, "q2/b", 9, false, "x");
            v5.reply(PUBREL, 9);
            expectReply(v5, PUBCOMP, 9, 0);
            v5.reply(PUBREL, 9);
            expectReply(v5, PUBCOMP, 9, 0x92);
        }
    }

    @Test
    void packetIdsAwaitingPubrelBelongToThePersistentSession() throws Exception {
        Mqtt5BlockingClient sub = mqtt.v5("sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("q2/#").qos(MqttQos.AT_LEAST_ONCE).send();
            try (RawMqttClient first = RawMqttClient.connect(mqtt.port(), "persistent", true, true, 300, 0)) {
                publishQos2(first, "q2/c", 3, false, "kept");
            } // dropped before PUBREL
            try (RawMqttClient again = RawMqttClient.connect(mqtt.port(), "persistent", true, false, 300, 0)) {
                assertThat(again.sessionPresent()).isTrue();
                again.publish("q2/c", 2, 3, true, "kept"); // the client re-sends what it had no PUBCOMP for
                expectReply(again, PUBREC, 3, 0);
                releaseThenMarker(again, "q2/c", 3);
            }
            expectPayloads(received, "kept", "marker");
        }
        sub.disconnect();
    }

    @Test
    void aCleanStartForgetsThePacketIdsAwaitingPubrel() throws Exception {
        try (RawMqttClient first = RawMqttClient.connect(mqtt.port(), "forgetful", true, true, 300, 0)) {
            publishQos2(first, "q2/d", 5, false, "x");
        }
        try (RawMqttClient again = RawMqttClient.connect(mqtt.port(), "forgetful", true, true, 0, 0)) {
            assertThat(again.sessionPresent()).isFalse();
            again.reply(PUBREL, 5);
            expectReply(again, PUBCOMP, 5, 0x92);
        }
    }

    @Test
    void receiveMaximumIsAdvertisedAndExceedingItDisconnectsWith0x93() throws Exception {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("advertised")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        Mqtt5ConnAck ack = client.connect();
        assertThat(ack.getRestrictions().getReceiveMaximum()).isEqualTo(3);
        client.disconnect();

        try (RawMqttClient raw = RawMqttClient.connect(mqtt.port(), "greedy", true, true, 0, 0)) {
            for (int id = 1; id <= 3; id++) {
                publishQos2(raw, "q2/e", id, false, "m" + id);
            }
            raw.publish("q2/e", 2, 3, true, "m3"); // a re-send is not a new message
            expectReply(raw, PUBREC, 3, 0);
            raw.publish("q2/e", 1, 4, false, "one too many");
            RawMqttClient.Packet disconnect = raw.read();
            assertThat(disconnect.type()).isEqualTo(DISCONNECT);
            assertThat(disconnect.reasonCode()).isEqualTo(0x93);
            assertThat(raw.closedByBroker()).isTrue();
        }
    }

    // ---- Broker to client

    /** A raw v5 client with a persistent session, subscribed to out/# at QoS 2. */
    private RawMqttClient rawSubscriber(String clientId, boolean cleanStart) throws Exception {
        if (!cleanStart) {
            // A reconnect: first let the broker see the previous connection's end, with the packets it sent last
            // (a PUBACK, a PUBREC); a takeover of a connection still open would race them, as it may in real life.
            await().atMost(Duration.ofSeconds(10)).until(() -> !mqtt.broker().mqtt().connected(clientId));
        }
        RawMqttClient client = RawMqttClient.connect(mqtt.port(), clientId, true, cleanStart, 300, 0);
        if (cleanStart) {
            assertThat(client.subscribeAndWait(1, "out/#", 2)).isEqualTo(2); // granted QoS 2
        }
        return client;
    }

    private static RawMqttClient.Packet expectPublish(RawMqttClient client, String payload, boolean dup)
            throws Exception {
        RawMqttClient.Packet publish = client.read();
        assertThat(publish.type()).isEqualTo(RawMqttClient.PUBLISH);
        assertThat(publish.qos()).isEqualTo(2);
        assertThat(publish.dup()).isEqualTo(dup);
        assertThat(publish.payload(true)).isEqualTo(payload);
        return publish;
    }

    private void publishOut(Mqtt5BlockingClient pub, String payload) {
        pub.publishWith().topic("out/x").qos(MqttQos.EXACTLY_ONCE).payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    @Test
    void afterPubrecAReconnectResendsPubrelNotThePublish() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        int packetId;
        try (RawMqttClient sub = rawSubscriber("out-sub", true)) {
            publishOut(pub, "m1");
            packetId = expectPublish(sub, "m1", false).publishId();
            sub.reply(PUBREC, packetId);
            expectReply(sub, PUBREL, packetId, 0);
        } // dropped before PUBCOMP
        try (RawMqttClient sub = rawSubscriber("out-sub", false)) {
            assertThat(sub.sessionPresent()).isTrue();
            expectReply(sub, PUBREL, packetId, 0);
            publishOut(pub, "m2"); // m1 is not in the queue any more: m2 comes next, with an id not awaiting PUBCOMP
            RawMqttClient.Packet second = expectPublish(sub, "m2", false);
            assertThat(second.publishId()).isNotEqualTo(packetId);
            sub.reply(PUBCOMP, packetId);
            sub.reply(PUBREC, second.publishId());
            expectReply(sub, PUBREL, second.publishId(), 0);
            sub.reply(PUBCOMP, second.publishId());
            // A PUBREC for an id the broker does not know gets PUBREL 0x92.
            sub.reply(PUBREC, 999);
            expectReply(sub, PUBREL, 999, 0x92);
        }
        pub.disconnect();
    }

    @Test
    void aQos2MessageNotYetPubrecdIsResentWithDupAndTheSamePacketId() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        int packetId;
        try (RawMqttClient sub = rawSubscriber("dup-sub", true)) {
            publishOut(pub, "m0"); // completed, so that m1 does not have the id a new connection would take first
            int first = expectPublish(sub, "m0", false).publishId();
            sub.reply(PUBREC, first);
            expectReply(sub, PUBREL, first, 0);
            sub.reply(PUBCOMP, first);
            publishOut(pub, "m1");
            packetId = expectPublish(sub, "m1", false).publishId();
            assertThat(packetId).isNotEqualTo(first);
        } // dropped before PUBREC
        try (RawMqttClient sub = rawSubscriber("dup-sub", false)) {
            RawMqttClient.Packet again = expectPublish(sub, "m1", true);
            assertThat(again.publishId()).isEqualTo(packetId);
            sub.reply(PUBREC, packetId);
            expectReply(sub, PUBREL, packetId, 0);
            sub.reply(PUBCOMP, packetId);
            publishOut(pub, "m2");
            expectPublish(sub, "m2", false);
        }
        pub.disconnect();
    }

    @Test
    void aQos1MessageNotYetPubackedIsResentWithTheSamePacketIdToo() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        int packetId;
        try (RawMqttClient sub = rawSubscriber("qos1-sub", true)) {
            pub.publishWith().topic("out/x").qos(MqttQos.AT_LEAST_ONCE).payload("a".getBytes(StandardCharsets.UTF_8))
                    .send();
            int first = sub.read().publishId();
            sub.reply(PUBACK, first);
            pub.publishWith().topic("out/x").qos(MqttQos.AT_LEAST_ONCE).payload("b".getBytes(StandardCharsets.UTF_8))
                    .send();
            packetId = sub.read().publishId();
            assertThat(packetId).isNotEqualTo(first);
        } // dropped before PUBACK
        try (RawMqttClient sub = rawSubscriber("qos1-sub", false)) {
            RawMqttClient.Packet again = sub.read();
            assertThat(again.qos()).isEqualTo(1);
            assertThat(again.dup()).isTrue();
            assertThat(again.payload(true)).isEqualTo("b");
            assertThat(again.publishId()).isEqualTo(packetId);
        }
        pub.disconnect();
    }

    /**
     * Sends {@code completed} messages that the client answers in full, then {@code unanswered} that it never answers;
     * returns the packet ids of those, by payload. The completed ones move the packet ids on, so that the unanswered
     * ones do not have the ids a new connection would take first.
     */
    private Map<String, Integer> sendUnanswered(Mqtt5BlockingClient pub, RawMqttClient sub, int qos, int completed,
            List<String> unanswered) throws Exception {
        for (int i = 0; i < completed; i++) {
            publishOut(pub, qos, "done" + i);
            RawMqttClient.Packet done = sub.read();
            assertThat(done.payload(true)).isEqualTo("done" + i);
            if (qos == 1) {
                sub.reply(PUBACK, done.publishId());
            } else {
                sub.reply(PUBREC, done.publishId());
                expectReply(sub, PUBREL, done.publishId(), 0);
                sub.reply(PUBCOMP, done.publishId());
            }
        }
        Map<String, Integer> ids = new HashMap<>();
        for (String payload : unanswered) {
            publishOut(pub, qos, payload);
            RawMqttClient.Packet sent = sub.read();
            assertThat(sent.payload(true)).isEqualTo(payload);
            assertThat(sent.dup()).isFalse();
            ids.put(payload, sent.publishId());
        }
        return ids;
    }

    private void publishOut(Mqtt5BlockingClient pub, int qos, String payload) {
        pub.publishWith().topic("out/x").qos(MqttQos.fromCode(qos)).payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    @Test
    void unansweredMessagesKeepTheirPacketIdsThroughAConnectionThatEndsBeforeResendingThem() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        for (int qos = 1; qos <= 2; qos++) {
            String clientId = "keeps-ids-" + qos;
            List<String> payloads = List.of("a" + qos, "b" + qos, "c" + qos);
            Map<String, Integer> ids;
            try (RawMqttClient sub = rawSubscriber(clientId, true)) {
                ids = sendUnanswered(pub, sub, qos, 2, payloads);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !mqtt.broker().mqtt().connected(clientId));
            // A Receive Maximum of 1: only the first comes again, and the connection ends before the others do.
            try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), clientId, true, false, 300, 1)) {
                RawMqttClient.Packet first = sub.read();
                assertThat(first.payload(true)).isEqualTo(payloads.get(0));
                assertThat(first.dup()).isTrue();
                assertThat(first.publishId()).isEqualTo(ids.get(payloads.get(0)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !mqtt.broker().mqtt().connected(clientId));
            try (RawMqttClient sub = rawSubscriber(clientId, false)) {
                for (String payload : payloads) {
                    RawMqttClient.Packet again = sub.read();
                    assertThat(again.payload(true)).isEqualTo(payload);
                    assertThat(again.dup()).isTrue();
                    assertThat(again.publishId()).as(payload + " at QoS " + qos).isEqualTo(ids.get(payload));
                }
            }
        }
        pub.disconnect();
    }

    @Test
    void retainedQos1And2PublishesNotYetAnsweredAreResentWithDupAndTheirPacketIds() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        pub.publishWith().topic("out/kept1").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("r1".getBytes(StandardCharsets.UTF_8)).send();
        pub.publishWith().topic("out/kept2").qos(MqttQos.EXACTLY_ONCE).retain(true)
                .payload("r2".getBytes(StandardCharsets.UTF_8)).send();
        Map<String, RawMqttClient.Packet> sent = new HashMap<>();
        try (RawMqttClient sub = rawSubscriber("retained-sub", true)) { // the retained messages follow the SUBACK
            for (int i = 0; i < 2; i++) {
                RawMqttClient.Packet retained = sub.read();
                assertThat(retained.type()).isEqualTo(RawMqttClient.PUBLISH);
                assertThat(retained.flags() & 1).as("retain").isEqualTo(1);
                sent.put(retained.payload(true), retained);
            }
        } // neither answered
        assertThat(sent.get("r1").qos()).isEqualTo(1);
        assertThat(sent.get("r2").qos()).isEqualTo(2);
        try (RawMqttClient sub = rawSubscriber("retained-sub", false)) {
            for (int i = 0; i < 2; i++) {
                RawMqttClient.Packet again = sub.read();
                RawMqttClient.Packet first = sent.get(again.payload(true));
                assertThat(first).as(again.payload(true)).isNotNull();
                assertThat(again.dup()).isTrue();
                assertThat(again.qos()).isEqualTo(first.qos());
                assertThat(again.flags() & 1).as("retain").isEqualTo(1);
                assertThat(again.publishId()).isEqualTo(first.publishId());
            }
            sub.reply(PUBACK, sent.get("r1").publishId());
            sub.reply(PUBREC, sent.get("r2").publishId());
            expectReply(sub, PUBREL, sent.get("r2").publishId(), 0);
            sub.reply(PUBCOMP, sent.get("r2").publishId());
        }
        try (RawMqttClient sub = rawSubscriber("retained-sub", false)) { // answered: not sent again
            publishOut(pub, "marker");
            expectPublish(sub, "marker", false);
        }
        pub.disconnect();
    }

    @Test
    void aPubrecWithAnErrorReasonEndsTheDelivery() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        try (RawMqttClient sub = rawSubscriber("refusing-sub", true)) {
            publishOut(pub, "refused");
            int packetId = expectPublish(sub, "refused", false).publishId();
            sub.reply(PUBREC, packetId, 0x80);
            publishOut(pub, "next"); // no PUBREL for the refused one, and it is not sent again
            RawMqttClient.Packet next = sub.read();
            assertThat(next.type()).isEqualTo(RawMqttClient.PUBLISH);
            assertThat(next.payload(true)).isEqualTo("next");
        }
        try (RawMqttClient sub = rawSubscriber("refusing-sub", false)) {
            // "next" was never answered, so it comes again; "refused" does not.
            expectPublish(sub, "next", true);
        }
        pub.disconnect();
    }

    @Test
    void theClientsReceiveMaximumCountsQos2MessagesUntilPubcomp() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "small-window", true, true, 0, 2)) {
            assertThat(sub.subscribeAndWait(1, "out/#", 2)).isEqualTo(2);
            for (String payload : List.of("m1", "m2", "m3", "m4")) {
                publishOut(pub, payload);
            }
            int first = expectPublish(sub, "m1", false).publishId();
            int second = expectPublish(sub, "m2", false).publishId();
            sub.reply(PUBREC, first);
            sub.reply(PUBREC, second);
            expectReply(sub, PUBREL, first, 0);
            expectReply(sub, PUBREL, second, 0);
            // Both still await PUBCOMP, so the window of 2 is full: the PINGRESP comes before any third PUBLISH.
            sub.ping();
            assertThat(sub.read().type()).isEqualTo(RawMqttClient.PINGRESP);
            sub.reply(PUBCOMP, first);
            // One place is free (m2 still awaits PUBCOMP): m3 comes, and m4 waits, although the queue let both go.
            expectPublish(sub, "m3", false);
            sub.ping();
            assertThat(sub.read().type()).isEqualTo(RawMqttClient.PINGRESP);
            sub.reply(PUBCOMP, second);
            expectPublish(sub, "m4", false);
        }
        pub.disconnect();
    }

    @Test
    void pahoV3AndV5ReceiveAtTheMinimumOfPublishedAndGrantedQos() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        org.eclipse.paho.client.mqttv3.MqttClient v3 = new org.eclipse.paho.client.mqttv3.MqttClient(
                "tcp://127.0.0.1:" + mqtt.port(), "paho3", new MemoryPersistence());
        v3.connect();
        v3.subscribe("paho/q2", 2, (topic, message) -> received.add("v3 " + message + "@" + message.getQos()));
        v3.subscribe("paho/q1", 1, (topic, message) -> received.add("v3 " + message + "@" + message.getQos()));
        org.eclipse.paho.mqttv5.client.MqttClient v5 = new org.eclipse.paho.mqttv5.client.MqttClient(
                "tcp://127.0.0.1:" + mqtt.port(), "paho5",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        v5.connect();
        v5.subscribe(new MqttSubscription[] {new MqttSubscription("paho/q2", 2)},
                new IMqttMessageListener[] {(topic, message) -> received.add("v5 " + message + "@"
                        + message.getQos())});

        v3.publish("paho/q2", "a".getBytes(StandardCharsets.UTF_8), 2, false); // Paho v3 publishing at QoS 2
        assertThat(List.of(received.poll(5, TimeUnit.SECONDS), received.poll(5, TimeUnit.SECONDS)))
                .containsExactlyInAnyOrder("v3 a@2", "v5 a@2");
        v5.publish("paho/q2", "b".getBytes(StandardCharsets.UTF_8), 1, false); // published at 1: delivered at 1
        assertThat(List.of(received.poll(5, TimeUnit.SECONDS), received.poll(5, TimeUnit.SECONDS)))
                .containsExactlyInAnyOrder("v3 b@1", "v5 b@1");
        v5.publish("paho/q1", "c".getBytes(StandardCharsets.UTF_8), 2, false); // granted 1: delivered at 1
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("v3 c@1");
        v3.disconnect();
        v3.close();
        v5.disconnect();
        v5.close();
    }

    @Test
    void v5ConnackLeavesMaximumQosOutAndAQos2WillIsAccepted() throws Exception {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("will2")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        Mqtt5ConnAck ack = client.connectWith().willPublish().topic("wills/will2").qos(MqttQos.EXACTLY_ONCE)
                .payload("gone".getBytes(StandardCharsets.UTF_8)).applyWillPublish().send();
        assertThat(ack.getRestrictions().getMaximumQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        client.disconnect();
    }
}
