package dev.lintas.broker.mqtt;

import static dev.lintas.broker.mqtt.RawMqttClient.PUBACK;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBCOMP;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBLISH;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREC;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREL;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an MQTT client was told is taken survives a restart ({@code Broker.stop}, then a new broker on the same
 * data-dir): queued messages of persistent sessions, retained messages, QoS 2 state in both directions, shared
 * subscriptions and pending wills.
 */
class MqttRestartTest {

    @TempDir
    Path dataDir;
    private MqttBrokerUnderTest mqtt;

    @AfterEach
    void stop() {
        if (mqtt != null) {
            mqtt.close();
        }
    }

    private void restart() {
        mqtt.close();
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
    }

    private Mqtt5BlockingClient publisher() {
        return mqtt.v5("publisher-" + System.nanoTime());
    }

    private static void publish(Mqtt5BlockingClient client, String topic, int qos, boolean retain, String payload) {
        client.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).retain(retain)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
    }

    /** Reads {@code count} PUBLISH packets, completing each exchange, and returns their payloads in order. */
    private static List<String> drain(RawMqttClient client, int count) throws Exception {
        List<String> payloads = new ArrayList<>();
        while (payloads.size() < count) {
            RawMqttClient.Packet packet = client.read();
            if (packet.type() == PUBREL) {
                client.reply(PUBCOMP, packet.packetId());
                continue;
            }
            assertThat(packet.type()).isEqualTo(PUBLISH);
            payloads.add(packet.payload(true));
            if (packet.qos() == 1) {
                client.reply(PUBACK, packet.publishId());
            } else if (packet.qos() == 2) {
                client.reply(PUBREC, packet.publishId());
            }
        }
        return payloads;
    }

    /** The next PUBLISH, completing the exchanges whose PUBREL comes first (the last one's, or re-sent ones). */
    private static RawMqttClient.Packet nextPublish(RawMqttClient client) throws Exception {
        RawMqttClient.Packet packet = client.read();
        while (packet.type() == PUBREL) {
            client.reply(PUBCOMP, packet.packetId());
            packet = client.read();
        }
        assertThat(packet.type()).isEqualTo(PUBLISH);
        return packet;
    }

    /** Publishes a marker and reads until it comes: nothing else may come before it. */
    private void expectNothingBeforeMarker(RawMqttClient client, String topic) throws Exception {
        expectNothingBeforeMarker(client, topic, 1);
    }

    /** The same with a marker at {@code qos}: at 2, no QoS 2 message queued before it may be overtaken by it. */
    private void expectNothingBeforeMarker(RawMqttClient client, String topic, int qos) throws Exception {
        Mqtt5BlockingClient pub = publisher();
        publish(pub, topic, qos, false, "marker");
        pub.disconnect();
        assertThat(drain(client, 1)).containsExactly("marker");
    }

    @Test
    void queuedAndRetainedMessagesComeBackAfterARestartExactlyOnce() throws Exception {
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "sub", true, true, 300, 0)) {
            assertThat(sub.subscribeAndWait(1, "r/#", 2)).isEqualTo(2);
        } // Dropped: the session waits offline, and its queue fills.
        Mqtt5BlockingClient pub = publisher();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            publish(pub, "r/one", 1, false, "q1-" + i);
            publish(pub, "r/two", 2, false, "q2-" + i);
            expected.add("q1-" + i);
            expected.add("q2-" + i);
        }
        publish(pub, "r/kept", 1, true, "retained");
        expected.add("retained");
        pub.disconnect();

        restart();

        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "sub", true, false, 300, 0)) {
            assertThat(sub.sessionPresent()).isTrue();
            List<String> got = drain(sub, expected.size());
            // Exactly once each, and in order per topic and QoS [MQTT-4.6.0-6]: a QoS 2 PUBLISH waits for its packet
            // id to be on disk, so QoS 1 ones on other topics may pass it.
            assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
            for (String prefix : List.of("q1-", "q2-")) {
                assertThat(got.stream().filter(text -> text.startsWith(prefix)).toList())
                        .containsExactlyElementsOf(expected.stream().filter(text -> text.startsWith(prefix)).toList());
            }
            expectNothingBeforeMarker(sub, "r/marker");
        }
        Mqtt5BlockingClient fresh = mqtt.v5("fresh");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = fresh.publishes(MqttGlobalPublishFilter.ALL)) {
            fresh.subscribeWith().topicFilter("r/kept").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5Publish retained = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(retained.isRetain()).isTrue();
            assertThat(new String(retained.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("retained");
        }
        fresh.disconnect();
    }

    @Test
    void aQos2PublishResentAfterARestartIsNotPublishedTwiceAndItsPubrelGetsPubcomp() throws Exception {
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "once-sub", true, true, 300, 0)) {
            assertThat(sub.subscribeAndWait(1, "once/#", 2)).isEqualTo(2);
        }
        try (RawMqttClient pub = RawMqttClient.connect(mqtt.port(), "once-pub", true, true, 300, 0)) {
            pub.publish("once/x", 2, 7, false, "exactly once");
            RawMqttClient.Packet rec = pub.read();
            assertThat(rec.type()).isEqualTo(PUBREC);
            assertThat(rec.reasonCode()).isZero();
        } // The PUBREL never went: the id awaits it, durably.

        restart();

        try (RawMqttClient pub = RawMqttClient.connect(mqtt.port(), "once-pub", true, false, 300, 0)) {
            assertThat(pub.sessionPresent()).isTrue();
            pub.publish("once/x", 2, 7, true, "exactly once"); // the client's re-send, DUP set
            RawMqttClient.Packet rec = pub.read();
            assertThat(rec.type()).isEqualTo(PUBREC);
            assertThat(rec.packetId()).isEqualTo(7);
            pub.reply(PUBREL, 7);
            RawMqttClient.Packet comp = pub.read();
            assertThat(comp.type()).isEqualTo(PUBCOMP);
            assertThat(comp.packetId()).isEqualTo(7);
            assertThat(comp.reasonCode()).isZero();
            pub.reply(PUBREL, 7); // now unknown
            assertThat(pub.read().reasonCode()).isEqualTo(0x92);
        }
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "once-sub", true, false, 300, 0)) {
            assertThat(drain(sub, 1)).containsExactly("exactly once");
            expectNothingBeforeMarker(sub, "once/marker");
        }
    }

    @Test
    void anOutgoingQos2ExchangeAwaitingPubcompResumesWithPubrelAfterARestart() throws Exception {
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
        int packetId;
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "out-sub", true, true, 300, 0)) {
            assertThat(sub.subscribeAndWait(1, "out/#", 2)).isEqualTo(2);
            Mqtt5BlockingClient pub = publisher();
            publish(pub, "out/x", 2, false, "handed over");
            pub.disconnect();
            RawMqttClient.Packet publish = sub.read();
            assertThat(publish.payload(true)).isEqualTo("handed over");
            packetId = publish.publishId();
            sub.reply(PUBREC, packetId);
            assertThat(sub.read().type()).isEqualTo(PUBREL);
        } // PUBCOMP never went.

        restart();

        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "out-sub", true, false, 300, 0)) {
            RawMqttClient.Packet release = sub.read(); // the PUBREL again, never the PUBLISH
            assertThat(release.type()).isEqualTo(PUBREL);
            assertThat(release.packetId()).isEqualTo(packetId);
            sub.reply(PUBCOMP, packetId);
            expectNothingBeforeMarker(sub, "out/marker");
        }
        restart(); // Completed: nothing is re-sent any more.
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "out-sub", true, false, 300, 0)) {
            expectNothingBeforeMarker(sub, "out/marker");
        }
    }

    @Test
    void anOutgoingQos2PublishNotAnsweredBeforeARestartIsResentWithItsPacketId() throws Exception {
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
        int packetId;
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "unanswered", true, true, 300, 0)) {
            assertThat(sub.subscribeAndWait(1, "unanswered/#", 2)).isEqualTo(2);
            Mqtt5BlockingClient pub = publisher();
            for (int i = 1; i <= 2; i++) { // Completed, so that the next one's packet id is not the first.
                publish(pub, "unanswered/x", 2, false, "done " + i);
                assertThat(drain(sub, 1)).containsExactly("done " + i);
            }
            publish(pub, "unanswered/x", 2, false, "sent once");
            pub.disconnect();
            RawMqttClient.Packet publish = nextPublish(sub);
            assertThat(publish.payload(true)).isEqualTo("sent once");
            assertThat(publish.dup()).isFalse();
            packetId = publish.publishId();
            assertThat(packetId).isNotEqualTo(1);
        } // Never answered.

        restart();

        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "unanswered", true, false, 300, 0)) {
            RawMqttClient.Packet again = nextPublish(sub);
            assertThat(again.payload(true)).isEqualTo("sent once");
            assertThat(again.dup()).isTrue();
            assertThat(again.publishId()).as("the client knows the message by this id").isEqualTo(packetId);
            sub.reply(PUBREC, packetId);
            assertThat(sub.read().type()).isEqualTo(PUBREL);
            sub.reply(PUBCOMP, packetId);
            expectNothingBeforeMarker(sub, "unanswered/marker");
        }
    }

    @Test
    void unansweredQos2PublishesKeepTheirPacketIdsThroughARestartAndAConnectionThatResendsOnlyOne()
            throws Exception {
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
        List<String> payloads = List.of("first", "second", "third");
        Map<String, Integer> ids = new HashMap<>();
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "keeps", true, true, 300, 0)) {
            assertThat(sub.subscribeAndWait(1, "keeps/#", 2)).isEqualTo(2);
            Mqtt5BlockingClient pub = publisher();
            for (int i = 1; i <= 2; i++) { // Completed, so that the next ids are not the ones a new connection takes.
                publish(pub, "keeps/x", 2, false, "done " + i);
                assertThat(drain(sub, 1)).containsExactly("done " + i);
            }
            for (String payload : payloads) {
                publish(pub, "keeps/x", 2, false, payload);
                RawMqttClient.Packet publish = nextPublish(sub);
                assertThat(publish.payload(true)).isEqualTo(payload);
                ids.put(payload, publish.publishId());
            }
            pub.disconnect();
        } // Never answered.

        restart();

        // A Receive Maximum of 1: only the first comes again before this connection ends too.
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "keeps", true, false, 300, 1)) {
            RawMqttClient.Packet again = nextPublish(sub);
            assertThat(again.payload(true)).isEqualTo("first");
            assertThat(again.publishId()).isEqualTo(ids.get("first"));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !mqtt.broker().mqtt().connected("keeps"));
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "keeps", true, false, 300, 0)) {
            for (String payload : payloads) {
                RawMqttClient.Packet again = nextPublish(sub);
                assertThat(again.payload(true)).isEqualTo(payload);
                assertThat(again.dup()).isTrue();
                assertThat(again.publishId()).as(payload).isEqualTo(ids.get(payload));
            }
            for (String payload : payloads) { // Answered once all came, so that no PUBREL comes between them.
                sub.reply(PUBREC, ids.get(payload));
            }
            for (int i = 0; i < payloads.size(); i++) {
                RawMqttClient.Packet release = sub.read();
                assertThat(release.type()).isEqualTo(PUBREL);
                sub.reply(PUBCOMP, release.packetId());
            }
            expectNothingBeforeMarker(sub, "keeps/marker");
        }
    }

    @Test
    void aSharedSubscriptionOfAPersistentSessionComesBackWithItsMessages() throws Exception {
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "member", true, true, 300, 0)) {
            assertThat(member.subscribeAndWait(1, "$share/g/jobs/#", 1)).isEqualTo(1);
        }
        Mqtt5BlockingClient pub = publisher();
        publish(pub, "jobs/1", 1, false, "job one");
        pub.disconnect();

        restart();

        assertThat(mqtt.broker().mqtt().sharedGroups()).isEqualTo(1);
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "member", true, false, 300, 0)) {
            assertThat(drain(member, 1)).containsExactly("job one");
        }
    }

    /**
     * Joins {@code $share/g/PREFIX/#} at QoS 2 with subscription identifier 4, has {@code payload} published to it
     * (with a message expiry of 600 s), and returns the PUBLISH the member gets, not answered.
     */
    private RawMqttClient.Packet sharedQos2Unanswered(RawMqttClient member, String prefix, String payload)
            throws Exception {
        assertThat(member.subscribeAndWait(1, "$share/g/" + prefix + "/#", 2, 4)).isEqualTo(2);
        Mqtt5BlockingClient pub = publisher();
        pub.publishWith().topic(prefix + "/x").qos(MqttQos.EXACTLY_ONCE).messageExpiryInterval(600)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
        pub.disconnect();
        return nextPublish(member);
    }

    /** Reads the re-send of the held {@code sent}: DUP, its packet id, what it carried; and completes it. */
    private static void completeHeldResend(RawMqttClient member, RawMqttClient.Packet sent) throws Exception {
        RawMqttClient.Packet again = nextPublish(member);
        assertThat(again.payload(true)).isEqualTo(sent.payload(true));
        assertThat(again.dup()).isTrue();
        assertThat(again.publishId()).as("the member knows the message by this id").isEqualTo(sent.publishId());
        assertThat(again.subscriptionIds()).containsExactly(4);
        assertThat(again.messageExpiry()).isBetween(1L, 600L);
        member.reply(PUBREC, again.publishId());
        assertThat(member.read().type()).isEqualTo(PUBREL);
        member.reply(PUBCOMP, again.publishId());
    }

    @Test
    void aHeldSharedSubscriptionQos2MessageIsResentOnceAfterARestart() throws Exception {
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
        RawMqttClient.Packet sent;
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "holder", true, true, 300, 0)) {
            sent = sharedQos2Unanswered(member, "held", "kept for the member"); // held when the connection ends
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !mqtt.broker().mqtt().connected("holder"));

        restart();

        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "holder", true, false, 300, 0)) {
            completeHeldResend(member, sent);
            expectNothingBeforeMarker(member, "held/marker"); // not delivered from the group's queue as well
        }
        restart(); // Completed: nothing is re-sent any more.
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "holder", true, false, 300, 0)) {
            expectNothingBeforeMarker(member, "held/marker");
        }
    }

    /**
     * What the data-dir holds now, copied to {@code image} while the broker runs: with {@code fsync: always}, the
     * state a {@code kill -9} at this moment leaves (a record being written may be torn, as in a crash).
     */
    private static void crashImage(Path dataDir, Path image) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.sorted().toList()) {
                Path copy = image.resolve(dataDir.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Test
    void aSharedQos2MessageInFlightAtACrashStaysWithItsMemberAndNoOtherMemberGetsIt(@TempDir Path image)
            throws Exception {
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
        try (RawMqttClient other = RawMqttClient.connect(mqtt.port(), "other", true, true, 300, 0)) {
            assertThat(other.subscribeAndWait(1, "$share/g/crash/#", 2)).isEqualTo(2);
        } // Still a member, offline: the group's messages go to the member that is connected.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !mqtt.broker().mqtt().connected("other"));
        RawMqttClient.Packet sent;
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "member", true, true, 300, 0)) {
            sent = sharedQos2Unanswered(member, "crash", "in flight at the crash");
            // The broker dies now, with the member's connection open: nothing was held at a connection's end.
            crashImage(dataDir, image);
        }
        mqtt.close(); // What this broker does from here on is not in the image.
        mqtt = MqttBrokerUnderTest.startDurable(image);

        try (RawMqttClient other = RawMqttClient.connect(mqtt.port(), "other", true, false, 300, 0)) {
            // Alone in the group: had the message gone back to the group's queue, it would come before the marker.
            expectNothingBeforeMarker(other, "crash/marker", 2);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !mqtt.broker().mqtt().connected("other"));
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "member", true, false, 300, 0)) {
            completeHeldResend(member, sent);
            expectNothingBeforeMarker(member, "crash/marker", 2);
        }
        mqtt.close(); // Completed: nothing is re-sent any more, to either member.
        mqtt = MqttBrokerUnderTest.startDurable(image);
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "member", true, false, 300, 0)) {
            expectNothingBeforeMarker(member, "crash/marker", 2);
        }
    }

    @Test
    void aRetainedQos2MessageUnansweredAtACrashIsResentOnceWithItsPacketId(@TempDir Path image) throws Exception {
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
        Mqtt5BlockingClient pub = publisher();
        publish(pub, "kept/x", 2, true, "retained at the crash");
        pub.disconnect();
        RawMqttClient.Packet sent;
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "late", true, true, 300, 0)) {
            assertThat(sub.subscribeAndWait(1, "kept/#", 2)).isEqualTo(2);
            sent = nextPublish(sub); // never answered; no queue has it
            assertThat(sent.payload(true)).isEqualTo("retained at the crash");
            crashImage(dataDir, image);
        }
        mqtt.close();
        mqtt = MqttBrokerUnderTest.startDurable(image);

        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "late", true, false, 300, 0)) {
            RawMqttClient.Packet again = nextPublish(sub);
            assertThat(again.payload(true)).isEqualTo("retained at the crash");
            assertThat(again.dup()).isTrue();
            assertThat(again.flags() & 1).as("the retain flag").isEqualTo(1);
            assertThat(again.publishId()).as("the client knows the message by this id").isEqualTo(sent.publishId());
            sub.reply(PUBREC, again.publishId());
            assertThat(sub.read().type()).isEqualTo(PUBREL);
            sub.reply(PUBCOMP, again.publishId());
            expectNothingBeforeMarker(sub, "kept/marker", 2);
        }
        mqtt.close(); // Completed: not re-sent again.
        mqtt = MqttBrokerUnderTest.startDurable(image);
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "late", true, false, 300, 0)) {
            expectNothingBeforeMarker(sub, "kept/marker", 2);
        }
    }

    @Test
    void aSessionThatATakeoverGaveAnExpiryIntervalKeepsItsQueuedMessagesThroughARestart() throws Exception {
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
        try (RawMqttClient first = RawMqttClient.connect(mqtt.port(), "grows", true, true, 0, 0)) {
            assertThat(first.subscribeAndWait(1, "grows/#", 1)).isEqualTo(1); // a session that ends with it
            try (RawMqttClient second = RawMqttClient.connect(mqtt.port(), "grows", true, false, 300, 0)) {
                assertThat(second.sessionPresent()).isTrue(); // taken over, now with an expiry interval
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !mqtt.broker().mqtt().connected("grows"));
        Mqtt5BlockingClient pub = publisher();
        publish(pub, "grows/x", 1, false, "queued 1");
        publish(pub, "grows/x", 1, false, "queued 2");
        pub.disconnect();

        restart();

        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "grows", true, false, 300, 0)) {
            assertThat(sub.sessionPresent()).isTrue();
            assertThat(drain(sub, 2)).containsExactly("queued 1", "queued 2");
            expectNothingBeforeMarker(sub, "grows/marker"); // and its subscription is bound after the restart
        }
    }

    @Test
    void aPendingWillIsPublishedAfterARestart() throws Exception {
        mqtt = MqttBrokerUnderTest.startDurable(dataDir);
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "will-sub", true, true, 300, 0)) {
            assertThat(sub.subscribeAndWait(1, "wills/#", 1)).isEqualTo(1);
        }
        Mqtt5BlockingClient dying = MqttClient.builder().useMqttVersion5().identifier("dying")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        dying.connectWith().sessionExpiryInterval(600)
                .willPublish().topic("wills/dying").qos(MqttQos.AT_LEAST_ONCE)
                .payload("gone".getBytes(StandardCharsets.UTF_8)).delayInterval(2).applyWillPublish()
                .send();
        // A DISCONNECT with reason 0x04 keeps the will: it now waits for its delay.
        dying.disconnectWith().reasonCode(
                com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
                .send();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> mqtt.broker().mqtt().pendingWills() == 1);

        restart();

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> mqtt.broker().mqtt().pendingWills() == 0);
        try (RawMqttClient sub = RawMqttClient.connect(mqtt.port(), "will-sub", true, false, 300, 0)) {
            assertThat(drain(sub, 1)).containsExactly("gone");
        }
    }
}
