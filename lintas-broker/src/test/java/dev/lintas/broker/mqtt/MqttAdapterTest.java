package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.lintas.broker.Broker;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A real broker on port 0, driven by HiveMQ's and Eclipse Paho's clients and by raw sockets. */
class MqttAdapterTest {

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private final Broker broker = mqtt.broker();
    private final int port = mqtt.port();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void v5PublishSubscribeAtQos0And1WithWildcards() throws Exception {
        Mqtt5BlockingClient sub = mqtt.v5("sub5");
        Mqtt5BlockingClient pub = mqtt.v5("pub5");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("sensors/+/temp").qos(MqttQos.AT_LEAST_ONCE).send();
            sub.subscribeWith().topicFilter("logs/#").qos(MqttQos.AT_MOST_ONCE).send();

            pub.publishWith().topic("sensors/kitchen/temp").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("21")).send();
            Mqtt5Publish first = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(first.getTopic().toString()).isEqualTo("sensors/kitchen/temp");
            assertThat(first.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            assertThat(first.getPayloadAsBytes()).isEqualTo(bytes("21"));

            pub.publishWith().topic("sensors/kitchen/humidity").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("no"))
                    .send();
            pub.publishWith().topic("logs/a/b").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("log")).send();
            Mqtt5Publish second = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(second.getTopic().toString()).isEqualTo("logs/a/b");
            assertThat(second.getQos()).isEqualTo(MqttQos.AT_MOST_ONCE); // min(published 1, granted 0)

            sub.unsubscribeWith().topicFilter("logs/#").send();
            pub.publishWith().topic("logs/c").payload(bytes("gone")).send();
            pub.publishWith().topic("sensors/hall/temp").payload(bytes("19")).send();
            Mqtt5Publish third = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(third.getTopic().toString()).isEqualTo("sensors/hall/temp");
            assertThat(third.getQos()).isEqualTo(MqttQos.AT_MOST_ONCE);
        }
        sub.disconnect();
        pub.disconnect();
        await().until(() -> broker.connections() == 0);
    }

    @Test
    void v5EmptyClientIdGetsAnAssignedOne() {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5()
                .serverHost("127.0.0.1").serverPort(port).buildBlocking();
        Mqtt5ConnAck ack = client.connect();
        assertThat(ack.getAssignedClientIdentifier()).isPresent();
        assertThat(ack.getAssignedClientIdentifier().get().toString()).startsWith("lintas-");
        client.disconnect();
    }

    @Test
    void v3PublishSubscribeAndRetainedMessages() throws Exception {
        Mqtt3BlockingClient pub = mqtt.v3("pub3");
        pub.publishWith().topic("state/door").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("open")).send();

        Mqtt3BlockingClient sub = mqtt.v3("sub3");
        try (Mqtt3BlockingClient.Mqtt3Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("state/+").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt3Publish retained = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(retained.getTopic().toString()).isEqualTo("state/door");
            assertThat(retained.isRetain()).isTrue();
            assertThat(retained.getPayloadAsBytes()).isEqualTo(bytes("open"));

            pub.publishWith().topic("state/door").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("closed")).send();
            Mqtt3Publish live = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(live.isRetain()).isFalse();
            assertThat(live.getPayloadAsBytes()).isEqualTo(bytes("closed"));

            // An empty retained payload clears the topic (and is still delivered to current subscribers).
            pub.publishWith().topic("state/door").qos(MqttQos.AT_LEAST_ONCE).retain(true).send();
            assertThat(received.receive(5, TimeUnit.SECONDS)).isPresent();
        }
        Mqtt3BlockingClient late = mqtt.v3("late3");
        try (Mqtt3BlockingClient.Mqtt3Publishes received = late.publishes(MqttGlobalPublishFilter.ALL)) {
            late.subscribeWith().topicFilter("state/#").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("state/marker").payload(bytes("m")).send();
            Mqtt3Publish next = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(next.getTopic().toString()).isEqualTo("state/marker"); // nothing retained came first
        }
        pub.disconnect();
        sub.disconnect();
        late.disconnect();
    }

    @Test
    void sessionTakeoverDisconnectsTheFirstClientWithReason0x8E() {
        AtomicReference<Throwable> cause = new AtomicReference<>();
        Mqtt5BlockingClient first = MqttClient.builder().useMqttVersion5().identifier("same")
                .serverHost("127.0.0.1").serverPort(port)
                .addDisconnectedListener(c -> cause.compareAndSet(null, c.getCause()))
                .buildBlocking();
        first.connect();
        Mqtt5BlockingClient second = mqtt.v5("same");
        await().atMost(Duration.ofSeconds(5)).until(() -> cause.get() != null);
        assertThat(cause.get()).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause.get()).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        assertThat(second.getState().isConnected()).isTrue();
        second.disconnect();
    }

    @Test
    void pahoV3PublishSubscribe() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        org.eclipse.paho.client.mqttv3.MqttClient sub = new org.eclipse.paho.client.mqttv3.MqttClient(
                "tcp://127.0.0.1:" + port, "paho3-sub", new MemoryPersistence());
        org.eclipse.paho.client.mqttv3.MqttClient pub = new org.eclipse.paho.client.mqttv3.MqttClient(
                "tcp://127.0.0.1:" + port, "paho3-pub", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        sub.connect(options);
        pub.connect(options);
        sub.subscribe("paho/#", 1, (topic, message) -> received.add(topic + "=" + new String(message.getPayload(),
                StandardCharsets.UTF_8) + "@" + message.getQos()));
        pub.publish("paho/one", bytes("1"), 1, false);
        pub.publish("paho/two", bytes("2"), 0, false);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("paho/one=1@1");
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("paho/two=2@0");
        sub.disconnect();
        pub.disconnect();
        sub.close();
        pub.close();
    }

    @Test
    void pahoV5PublishSubscribe() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        org.eclipse.paho.mqttv5.client.MqttClient client = new org.eclipse.paho.mqttv5.client.MqttClient(
                "tcp://127.0.0.1:" + port, "paho5",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        client.setCallback(PahoCallbacks.v5((topic, message) -> received.add(topic + "="
                + new String(message.getPayload(), StandardCharsets.UTF_8) + "@" + message.getQos())));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        client.subscribe("p5/+", 1);
        client.publish("p5/x", bytes("hello"), 1, false);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("p5/x=hello@1");
        client.disconnect();
        client.close();
    }

    @Test
    void firstPacketNotConnectClosesTheConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {(byte) 0xC0, 0x00}); // PINGREQ
            out.flush();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void badRemainingLengthClosesOnlyThatConnection() throws Exception {
        Mqtt5BlockingClient bystander = mqtt.v5("bystander");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = bystander.publishes(MqttGlobalPublishFilter.ALL)) {
            bystander.subscribeWith().topicFilter("still/#").send();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                // CONNECT whose remaining length runs past four bytes.
                out.write(new byte[] {0x10, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});
                out.flush();
                InputStream in = socket.getInputStream();
                assertThat(in.read()).isEqualTo(-1);
            }
            bystander.publishWith().topic("still/here").payload(bytes("ok")).send();
            Optional<Mqtt5Publish> got = received.receive(5, TimeUnit.SECONDS);
            assertThat(got).isPresent();
        }
        bystander.disconnect();
    }

    @Test
    void secondConnectClosesTheConnection() throws Exception {
        byte[] connect = {0x10, 0x0F, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x03, 'r', 'a',
            'w'};
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(connect);
            out.flush();
            assertThat(in.readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00); // CONNACK accepted
            out.write(connect);
            out.flush();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void wildcardInPublishTopicClosesTheConnection() throws Exception {
        byte[] connect = {0x10, 0x0F, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x03, 'w', 'i',
            'l'};
        byte[] publish = {0x30, 0x05, 0x00, 0x03, 'a', '/', '+'};
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(connect);
            out.flush();
            assertThat(in.readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
            out.write(publish);
            out.flush();
            assertThat(in.read()).isEqualTo(-1);
        }
    }
}
