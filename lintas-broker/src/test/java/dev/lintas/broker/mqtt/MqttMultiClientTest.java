package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static dev.lintas.broker.mqtt.RawMqttClient.PUBCOMP;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBLISH;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREC;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many clients at once on a real broker: fan-out, fan-in, and a shared subscription group that loses a member in the
 * middle of a stream. Counts are bounded (100 clients, 50 messages each) so that the class runs in seconds.
 */
class MqttMultiClientTest {

    private static final int CLIENTS = 100;
    private static final int MESSAGES = 50;

    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    /** The clients first, then the broker. */
    @AutoClose
    private final AutoCloseable cleanup = () -> {
        clients.forEach(Mqtt5BlockingClient::disconnect);
        mqtt.close();
    };

    private Mqtt5BlockingClient client(String id) {
        Mqtt5BlockingClient client = mqtt.v5(id);
        clients.add(client);
        return client;
    }

    /** A client subscribed to {@code filter}, adding each payload it receives to {@code received}. */
    private Mqtt5BlockingClient subscriber(String id, String filter, MqttQos qos, Queue<String> received) {
        Mqtt5BlockingClient client = client(id);
        client.toAsync().publishes(MqttGlobalPublishFilter.ALL,
                publish -> received.add(new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        client.subscribeWith().topicFilter(filter).qos(qos).send();
        return client;
    }

    private static CompletableFuture<?> publish(Mqtt5BlockingClient client, String topic, MqttQos qos,
            String payload) {
        return client.toAsync().publishWith().topic(topic).qos(qos)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
    }

    private static List<String> numbered(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    @ParameterizedTest
    @EnumSource(value = MqttQos.class, names = {"AT_LEAST_ONCE", "EXACTLY_ONCE"})
    void fanOutOnePublisherToAHundredSubscribers(MqttQos qos) {
        List<Queue<String>> received = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Queue<String> queue = new ConcurrentLinkedQueue<>();
            received.add(queue);
            subscriber("sub" + i, "fan/out/#", qos, queue);
        }
        Mqtt5BlockingClient pub = client("pub");
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (String payload : numbered("m", MESSAGES)) {
            sent.add(publish(pub, "fan/out/x", qos, payload));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        await().until(() -> received.stream().allMatch(queue -> queue.size() >= MESSAGES));
        for (Queue<String> queue : received) {
            assertThat(queue).containsExactlyElementsOf(numbered("m", MESSAGES)); // all, once each, in order
        }
    }

    @ParameterizedTest
    @EnumSource(value = MqttQos.class, names = {"AT_LEAST_ONCE", "EXACTLY_ONCE"})
    void fanInAHundredPublishersToOneSubscriber(MqttQos qos) {
        Queue<String> received = new ConcurrentLinkedQueue<>();
        subscriber("sub", "fan/in/+", qos, received);
        List<String> expected = new ArrayList<>();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        List<Mqtt5BlockingClient> publishers = new ArrayList<>();
        for (int p = 0; p < CLIENTS; p++) {
            publishers.add(client("pub" + p));
        }
        for (int m = 0; m < MESSAGES; m++) {
            for (int p = 0; p < CLIENTS; p++) {
                String payload = "p" + p + "-m" + m;
                expected.add(payload);
                sent.add(publish(publishers.get(p), "fan/in/" + p, qos, payload));
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        await().until(() -> received.size() >= CLIENTS * MESSAGES);
        assertThat(received).containsExactlyInAnyOrderElementsOf(expected); // nothing lost, nothing twice
        for (int p = 0; p < CLIENTS; p++) { // and each publisher's messages in the order it sent them
            String prefix = "p" + p + "-";
            assertThat(received.stream().filter(payload -> payload.startsWith(prefix)).toList())
                    .containsExactlyElementsOf(numbered(prefix + "m", MESSAGES));
        }
    }

    /**
     * A QoS 2 receiver written as bytes, as a client library would do it (MQTT 5 4.3.3, method B): a PUBLISH whose
     * packet id it does not hold is handed to the application and the id is held until PUBREL; one whose id it holds
     * is a duplicate and is only answered. The ids it holds survive its reconnects, as a client's session state does.
     * It can also stop in the worst place: after handing a PUBLISH to the application, before its PUBREC is sent.
     */
    private static final class Qos2Member {
        final Queue<String> delivered = new ConcurrentLinkedQueue<>();
        final Set<Integer> awaitingRelease = new HashSet<>();

        /**
         * Reads and answers packets until {@code stopAfter} new messages were delivered, or the socket closes. With
         * {@code stopAfter} at {@link Integer#MAX_VALUE} it waits for packets until the test closes the socket;
         * otherwise a silence of 5 seconds fails it.
         */
        void serve(RawMqttClient connection, int stopAfter) throws IOException {
            int fresh = 0;
            while (true) {
                RawMqttClient.Packet packet;
                try {
                    packet = connection.read();
                } catch (SocketTimeoutException e) {
                    if (stopAfter != Integer.MAX_VALUE) {
                        throw e;
                    }
                    continue; // Nothing for it right now; the test closes the socket when it has seen enough.
                } catch (SocketException e) {
                    return; // The test closed it.
                }
                if (packet.type() == PUBLISH) {
                    boolean isNew = awaitingRelease.add(packet.publishId());
                    if (isNew) {
                        delivered.add(packet.payload(true));
                        if (++fresh == stopAfter) {
                            return; // Handed to the application; the PUBREC never goes out.
                        }
                    }
                    connection.reply(PUBREC, packet.publishId());
                } else if (packet.type() == PUBREL) {
                    awaitingRelease.remove(packet.packetId());
                    connection.reply(PUBCOMP, packet.packetId());
                }
            }
        }
    }

    @Test
    void aSharedGroupThatLosesAMemberMidStreamStillGetsEachQos2MessageExactlyOnce() throws Exception {
        int total = 300;
        Queue<String> b = new ConcurrentLinkedQueue<>();
        Queue<String> c = new ConcurrentLinkedQueue<>();
        Qos2Member a = new Qos2Member();
        // The group hands out its queue in turn to members with room, and A has room for 50 unfinished messages: of
        // 300, A is handed at least 50 however slowly it answers, so its 21st comes whatever the timing.
        RawMqttClient first = RawMqttClient.connect(mqtt.port(), "a", true, true, 300, 50);
        assertThat(first.subscribeAndWait(1, "$share/g/stream/#", 2)).isEqualTo(2);
        subscriber("b", "$share/g/stream/#", MqttQos.EXACTLY_ONCE, b);
        subscriber("c", "$share/g/stream/#", MqttQos.EXACTLY_ONCE, c);

        Mqtt5BlockingClient pub = client("pub");
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (String payload : numbered("s", total)) {
            sent.add(publish(pub, "stream/x", MqttQos.EXACTLY_ONCE, payload));
        }
        a.serve(first, 21); // the 21st is delivered to A's application, but its PUBREC never reaches the broker
        first.close();
        await().until(() -> !mqtt.broker().mqtt().connected("a"));
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();

        // A's session holds what was sent to it and not PUBREC'd; the rest of the stream goes to B and C.
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (RawMqttClient again = RawMqttClient.connect(mqtt.port(), "a", true, false, 300, 50)) {
            assertThat(again.sessionPresent()).isTrue();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    a.serve(again, Integer.MAX_VALUE);
                } catch (IOException | RuntimeException e) {
                    failure.set(e);
                }
            });
            await().until(() -> failure.get() != null || a.delivered.size() + b.size() + c.size() >= total);
            again.close();
            reader.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("member A failed", failure.get());
        }
        List<String> all = new ArrayList<>(a.delivered);
        all.addAll(b);
        all.addAll(c);
        assertThat(all).containsExactlyInAnyOrderElementsOf(numbered("s", total));
        assertThat(a.delivered).hasSizeGreaterThanOrEqualTo(21);
        assertThat(b).isNotEmpty();
        assertThat(c).isNotEmpty();
    }
}
