package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import static dev.lintas.broker.mqtt.RawMqttClient.PUBCOMP;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREC;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Shared subscriptions ({@code $share/{ShareName}/{filter}}) on a real broker, with v5 and 3.1.1 members. */
class MqttSharedSubscriptionTest {

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A v5 member of {@code filter} at {@code qos}, recording "payload@qos" of what it receives. */
    private Mqtt5BlockingClient member(String id, String filter, MqttQos qos, Queue<String> received) {
        Mqtt5BlockingClient client = mqtt.v5(id);
        client.toAsync().publishes(MqttGlobalPublishFilter.ALL, publish -> received.add(
                new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8) + "@" + publish.getQos().getCode()));
        client.subscribeWith().topicFilter(filter).qos(qos).send();
        return client;
    }

    private static List<String> payloads(Queue<String> received) {
        return received.stream().map(entry -> entry.substring(0, entry.indexOf('@'))).toList();
    }

    private static List<String> numbered(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void eachMessageGoesToExactlyOneMemberInTurnWithV5And311Members() throws Exception {
        String filter = "$share/workers/jobs/#";
        Queue<String> hive5 = new ConcurrentLinkedQueue<>();
        Queue<String> hive3 = new ConcurrentLinkedQueue<>();
        Queue<String> paho3 = new ConcurrentLinkedQueue<>();
        Queue<String> paho5 = new ConcurrentLinkedQueue<>();
        Mqtt5BlockingClient hive5Member = member("hive5", filter, MqttQos.AT_LEAST_ONCE, hive5);
        Mqtt3BlockingClient hive3Member = mqtt.v3("hive3");
        hive3Member.toAsync().publishes(MqttGlobalPublishFilter.ALL, publish -> hive3.add(
                new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8) + "@" + publish.getQos().getCode()));
        hive3Member.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
        org.eclipse.paho.client.mqttv3.MqttClient paho3Member = new org.eclipse.paho.client.mqttv3.MqttClient(
                "tcp://127.0.0.1:" + mqtt.port(), "paho3", new MemoryPersistence());
        // Paho's per-subscription listeners did not see messages for a $share/ filter here (Paho v5 received none).
        paho3Member.setCallback(PahoCallbacks.v3((topic, message) -> paho3.add(message + "@" + message.getQos())));
        paho3Member.connect();
        paho3Member.subscribe(filter, 1);
        org.eclipse.paho.mqttv5.client.MqttClient paho5Member = new org.eclipse.paho.mqttv5.client.MqttClient(
                "tcp://127.0.0.1:" + mqtt.port(), "paho5",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        paho5Member.setCallback(PahoCallbacks.v5((topic, message) -> paho5.add(message + "@" + message.getQos())));
        paho5Member.connect();
        paho5Member.subscribe(filter, 1);

        Mqtt5BlockingClient pub = mqtt.v5("pub");
        for (String job : numbered("job", 40)) {
            pub.publishWith().topic("jobs/" + job).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(job)).send();
        }
        await().untilAsserted(() -> assertThat(List.of(hive5.size(), hive3.size(), paho3.size(), paho5.size()))
                .as("received by each member").containsOnly(10));
        List<String> all = new ArrayList<>();
        for (Queue<String> member : List.of(hive5, hive3, paho3, paho5)) {
            assertThat(member).hasSize(10).allMatch(entry -> entry.endsWith("@1")); // round-robin, at QoS 1
            all.addAll(payloads(member));
        }
        assertThat(all).containsExactlyInAnyOrderElementsOf(numbered("job", 40));
        assertThat(mqtt.broker().mqtt().sharedGroups()).isEqualTo(1);
        hive5Member.disconnect();
        hive3Member.disconnect();
        paho3Member.disconnect();
        paho3Member.close();
        paho5Member.disconnect();
        paho5Member.close();
        pub.disconnect();
    }

    @Test
    void aMemberThatDropsHasItsUnacknowledgedMessagesSentToAnotherMember() throws Exception {
        Queue<String> b = new ConcurrentLinkedQueue<>();
        List<String> toA = new ArrayList<>();
        try (RawMqttClient memberA = RawMqttClient.connect(mqtt.port(), "a", true, true, 0, 0)) {
            assertThat(memberA.subscribeAndWait(1, "$share/g/work/+", 1)).isEqualTo(1);
            Mqtt5BlockingClient memberB = member("b", "$share/g/work/+", MqttQos.AT_LEAST_ONCE, b);
            Mqtt5BlockingClient pub = mqtt.v5("pub");
            for (String item : numbered("w", 6)) {
                pub.publishWith().topic("work/x").qos(MqttQos.AT_LEAST_ONCE).payload(bytes(item)).send();
            }
            for (int i = 0; i < 3; i++) { // round-robin: three for each member; A never acknowledges its own
                toA.add(memberA.read().payload(true));
            }
            await().until(() -> b.size() == 3);
            memberA.close();
            await().until(() -> b.size() == 6);
            assertThat(payloads(b)).containsExactlyInAnyOrderElementsOf(numbered("w", 6));
            assertThat(payloads(b).subList(3, 6)).containsExactlyInAnyOrderElementsOf(toA);
            memberB.disconnect();
            pub.disconnect();
        }
    }

    @Test
    void eachMemberGetsItsOwnGrantedQosAndNotThatOfItsSessionsOtherFilters() {
        Queue<String> a = new ConcurrentLinkedQueue<>();
        Queue<String> b = new ConcurrentLinkedQueue<>();
        Mqtt5BlockingClient memberA = member("a", "$share/g/q/#", MqttQos.AT_MOST_ONCE, a);
        memberA.subscribeWith().topicFilter("other/#").qos(MqttQos.EXACTLY_ONCE).send(); // matches nothing below
        memberA.subscribeWith().topicFilter("$share/h/q/#").qos(MqttQos.AT_LEAST_ONCE).send(); // a second group
        Mqtt5BlockingClient memberB = member("b", "$share/g/q/#", MqttQos.EXACTLY_ONCE, b);
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        for (String item : numbered("m", 4)) {
            pub.publishWith().topic("q/1").qos(MqttQos.EXACTLY_ONCE).payload(bytes(item)).send();
        }
        // Group g shares the four between a (at QoS 0) and b (at QoS 2); group h has only a (at QoS 1).
        await().until(() -> a.size() + b.size() == 8);
        assertThat(b).hasSize(2).allMatch(entry -> entry.endsWith("@2"));
        assertThat(a).filteredOn(entry -> entry.endsWith("@0")).hasSize(2);
        assertThat(a).filteredOn(entry -> entry.endsWith("@1")).hasSize(4);
        assertThat(mqtt.broker().mqtt().sharedGroups()).isEqualTo(2);
        memberA.disconnect();
        memberB.disconnect();
        pub.disconnect();
    }

    @Test
    void aQos2MessageSentToAMemberStaysWithItsSessionAndIsCompletedWhenItReturns() throws Exception {
        Queue<String> b = new ConcurrentLinkedQueue<>();
        Mqtt5BlockingClient memberB = member("b", "$share/g/t/#", MqttQos.EXACTLY_ONCE, b);
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        RawMqttClient.Packet kept;
        try (RawMqttClient memberA = RawMqttClient.connect(mqtt.port(), "a", true, true, 300, 0)) {
            assertThat(memberA.subscribeAndWait(1, "$share/g/t/#", 2)).isEqualTo(2);
            for (String item : numbered("m", 2)) {
                pub.publishWith().topic("t/1").qos(MqttQos.EXACTLY_ONCE).payload(bytes(item)).send();
            }
            kept = memberA.read(); // one of the two, in turn; never answered
            await().until(() -> b.size() == 1);
        }
        await().until(() -> !mqtt.broker().mqtt().connected("a"));
        pub.publishWith().topic("t/1").qos(MqttQos.EXACTLY_ONCE).payload(bytes("later")).send();
        await().until(() -> b.size() == 2); // A is offline: B gets the new one, but not the one A holds
        try (RawMqttClient memberA = RawMqttClient.connect(mqtt.port(), "a", true, false, 300, 0)) {
            RawMqttClient.Packet again = memberA.read();
            assertThat(again.dup()).isTrue();
            assertThat(again.publishId()).isEqualTo(kept.publishId());
            assertThat(again.payload(true)).isEqualTo(kept.payload(true));
            memberA.reply(PUBREC, again.publishId());
            RawMqttClient.Packet rel = memberA.read();
            assertThat(rel.type()).isEqualTo(PUBREL);
            memberA.reply(PUBCOMP, again.publishId());
        }
        Set<String> all = new HashSet<>(payloads(b));
        all.add(kept.payload(true));
        assertThat(all).containsExactlyInAnyOrder("m0", "m1", "later");
        assertThat(payloads(b)).doesNotContain(kept.payload(true)).hasSize(2);
        memberB.disconnect();
        pub.disconnect();
    }

    @Test
    void aHeldQos2MessageIsResentWithItsSubscriptionIdentifierAndTheExpiryThatRemains() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        RawMqttClient.Packet sent;
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "a", true, true, 300, 0)) {
            assertThat(member.subscribeAndWait(1, "$share/g/t/#", 2, 9)).isEqualTo(2);
            pub.publishWith().topic("t/1").qos(MqttQos.EXACTLY_ONCE).messageExpiryInterval(600)
                    .payload(bytes("expiring")).send();
            sent = member.read(); // never answered: held for the session
            assertThat(sent.subscriptionIds()).containsExactly(9);
            assertThat(sent.messageExpiry()).isBetween(1L, 600L);
        }
        await().until(() -> !mqtt.broker().mqtt().connected("a"));
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "a", true, false, 300, 0)) {
            RawMqttClient.Packet again = member.read();
            assertThat(again.dup()).isTrue();
            assertThat(again.publishId()).isEqualTo(sent.publishId());
            assertThat(again.subscriptionIds()).containsExactly(9);
            assertThat(again.messageExpiry()).isBetween(1L, sent.messageExpiry());
        }
        pub.disconnect();
    }

    /** Once a QoS 2 PUBLISH was sent, its expiry no longer applies [MQTT-4.3.3-7]: the held message is re-sent. */
    @Test
    void aHeldQos2MessageIsResentEvenOnceItsExpiryHasPassed() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        RawMqttClient.Packet sent;
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "a", true, true, 300, 0)) {
            assertThat(member.subscribeAndWait(1, "$share/g/t/#", 2)).isEqualTo(2);
            pub.publishWith().topic("t/1").qos(MqttQos.EXACTLY_ONCE).messageExpiryInterval(1)
                    .payload(bytes("short-lived")).send();
            sent = member.read(); // never answered: held
            assertThat(sent.payload(true)).isEqualTo("short-lived");
        }
        long published = System.currentTimeMillis(); // after the publish was acknowledged, so after its enqueue
        await().until(() -> !mqtt.broker().mqtt().connected("a"));
        // The message's interval (1 s) has passed once more than that has.
        await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > published + 1_000);
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "a", true, false, 300, 0)) {
            RawMqttClient.Packet again = member.read();
            assertThat(again.payload(true)).isEqualTo("short-lived");
            assertThat(again.dup()).isTrue();
            assertThat(again.publishId()).isEqualTo(sent.publishId());
            member.reply(PUBREC, again.publishId());
            assertThat(member.read().type()).isEqualTo(PUBREL);
            member.reply(PUBCOMP, again.publishId());
        }
        pub.disconnect();
    }

    @Test
    void heldQos2MessagesWaitingForRoomWhenTheirConnectionEndsAreHeldAgain() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        List<RawMqttClient.Packet> sent = new ArrayList<>();
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "a", true, true, 300, 0)) {
            assertThat(member.subscribeAndWait(1, "$share/g/t/#", 2)).isEqualTo(2);
            for (String item : numbered("m", 2)) {
                pub.publishWith().topic("t/1").qos(MqttQos.EXACTLY_ONCE).payload(bytes(item)).send();
                sent.add(member.read()); // never answered: both held
            }
        }
        await().until(() -> !mqtt.broker().mqtt().connected("a"));
        // A Receive Maximum of 1: the first held message is re-sent, the second waits for room, and the connection
        // ends before it has any.
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "a", true, false, 300, 1)) {
            assertThat(member.read().publishId()).isEqualTo(sent.get(0).publishId());
        }
        await().until(() -> !mqtt.broker().mqtt().connected("a"));
        try (RawMqttClient member = RawMqttClient.connect(mqtt.port(), "a", true, false, 300, 0)) {
            List<String> again = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                RawMqttClient.Packet resent = member.read();
                assertThat(resent.dup()).isTrue();
                again.add(resent.payload(true) + "#" + resent.publishId());
            }
            assertThat(again).containsExactlyInAnyOrderElementsOf(
                    sent.stream().map(packet -> packet.payload(true) + "#" + packet.publishId()).toList());
        }
        pub.disconnect();
    }

    @Test
    void onATakeoverTheConnectionThatTookTheSessionOverCompletesTheHeldQos2Message() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        try (RawMqttClient first = RawMqttClient.connect(mqtt.port(), "a", true, true, 300, 0)) {
            assertThat(first.subscribeAndWait(1, "$share/g/t/#", 2)).isEqualTo(2);
            pub.publishWith().topic("t/1").qos(MqttQos.EXACTLY_ONCE).payload(bytes("held")).send();
            RawMqttClient.Packet sent = first.read(); // never answered
            // The first connection's end holds the message either before the second one's CONNECT is done (which then
            // re-sends it) or after (and hands it to the second one): it arrives once either way.
            try (RawMqttClient second = RawMqttClient.connect(mqtt.port(), "a", true, false, 300, 0)) {
                assertThat(first.closedByBroker()).isTrue(); // taken over
                RawMqttClient.Packet again = second.read();
                assertThat(again.type()).isEqualTo(RawMqttClient.PUBLISH);
                assertThat(again.dup()).isTrue();
                assertThat(again.publishId()).isEqualTo(sent.publishId());
                assertThat(again.payload(true)).isEqualTo("held");
            }
        }
        pub.disconnect();
    }

    @Test
    void invalidShareNamesAndFiltersAreRefused() throws Exception {
        try (RawMqttClient v5 = RawMqttClient.connect(mqtt.port(), "v5", true, true, 0, 0);
                RawMqttClient v3 = RawMqttClient.connect(mqtt.port(), "v3", false, true, 0, 0)) {
            int id = 1;
            for (String filter : List.of("$share//t", "$share/a+b/t", "$share/a#/t", "$share/g", "$share/g/",
                    "$share/g/t/#/x")) {
                assertThat(v5.subscribeAndWait(id++, filter, 1)).as(filter).isEqualTo(0x8F);
                assertThat(v3.subscribeAndWait(id++, filter, 1)).as(filter).isEqualTo(0x80);
            }
            assertThat(v5.subscribeAndWait(id, "$share/g/t/+", 1)).isEqualTo(1);
        }
        await().until(() -> mqtt.broker().mqtt().sharedGroups() == 0); // the one good member's session ended
    }

    @Test
    void noLocalOnASharedSubscriptionIsAProtocolError() throws Exception {
        try (RawMqttClient v5 = RawMqttClient.connect(mqtt.port(), "v5", true, true, 0, 0)) {
            v5.subscribe(1, "$share/g/t", 0x04 | 1); // options: No Local, QoS 1
            RawMqttClient.Packet disconnect = v5.read();
            assertThat(disconnect.type()).isEqualTo(RawMqttClient.DISCONNECT);
            assertThat(disconnect.reasonCode()).isEqualTo(0x82);
            assertThat(v5.closedByBroker()).isTrue();
        }
    }

    @Test
    void retainedMessagesAreNotSentForASharedSubscription() {
        Mqtt5BlockingClient pub = mqtt.v5("pub");
        pub.publishWith().topic("r/1").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("retained")).send();
        Queue<String> a = new ConcurrentLinkedQueue<>();
        Mqtt5BlockingClient memberA = member("a", "$share/g/r/#", MqttQos.AT_LEAST_ONCE, a);
        pub.publishWith().topic("r/1").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("live")).send();
        await().until(() -> !a.isEmpty());
        assertThat(payloads(a)).containsExactly("live");
        memberA.disconnect();
        pub.disconnect();
    }

    @Test
    void theGroupQueueGoesWithItsLastMember() {
        Mqtt5BlockingClient first = member("first", "$share/g/d/#", MqttQos.AT_LEAST_ONCE,
                new ConcurrentLinkedQueue<>());
        Mqtt5BlockingClient second = member("second", "$share/g/d/#", MqttQos.AT_LEAST_ONCE,
                new ConcurrentLinkedQueue<>());
        assertThat(mqtt.broker().mqtt().sharedGroups()).isEqualTo(1);
        first.unsubscribeWith().topicFilter("$share/g/d/#").send();
        assertThat(mqtt.broker().mqtt().sharedGroups()).isEqualTo(1);
        first.disconnect();
        second.disconnect(); // a clean session ends with its connection, and leaves the group
        await().until(() -> mqtt.broker().mqtt().sharedGroups() == 0);
    }

    @Test
    void v5ConnackSaysSharedSubscriptionsAreAvailable() {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("flags")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        Mqtt5ConnAck ack = client.connect();
        assertThat(ack.getRestrictions().isSharedSubscriptionAvailable()).isTrue();
        client.disconnect();
    }
}
