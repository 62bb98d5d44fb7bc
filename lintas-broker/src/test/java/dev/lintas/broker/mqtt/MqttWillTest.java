package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.lintas.broker.Broker;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Will messages: published when a connection ends without a normal DISCONNECT, after the v5 will delay. */
class MqttWillTest {

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private final Broker broker = mqtt.broker();
    private final int port = mqtt.port();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    /** A 3.1.1 CONNECT with clean session and a will at QoS 1. */
    private static byte[] connectWithWill(String clientId, String willTopic, String willMessage) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x0E, 0x00, 0x00});
        for (String field : new String[] {clientId, willTopic, willMessage}) {
            byte[] b = bytes(field);
            body.write(b.length >> 8);
            body.write(b.length);
            body.writeBytes(b);
        }
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x10);
        packet.write(body.size()); // Under 128 bytes here.
        packet.writeBytes(body.toByteArray());
        return packet.toByteArray();
    }

    @Test
    void anAbruptCloseSendsTheWill() throws Exception {
        Mqtt5BlockingClient watcher = mqtt.v5("watcher");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("status/#").qos(MqttQos.AT_LEAST_ONCE).send();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(connectWithWill("dies", "status/dies", "gone"));
                out.flush();
                assertThat(in.readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
            } // Closed with no DISCONNECT.
            Mqtt5Publish will = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(will.getTopic().toString()).isEqualTo("status/dies");
            assertThat(text(will)).isEqualTo("gone");
            assertThat(will.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        }
        watcher.disconnect();
    }

    @Test
    void aNormalDisconnectDiscardsTheWill() throws Exception {
        Mqtt5BlockingClient watcher = mqtt.v5("watcher");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("status/#").send();
            Mqtt5BlockingClient polite = MqttClient.builder().useMqttVersion5().identifier("polite")
                    .serverHost("127.0.0.1").serverPort(port).buildBlocking();
            polite.connectWith().willPublish().topic("status/polite").payload(bytes("gone")).applyWillPublish()
                    .send();
            polite.disconnect();
            // Its session (expiry 0) ends after the point where a will would have been published.
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.mqtt().sessionCount() == 1);
            watcher.publishWith().topic("status/marker").payload(bytes("marker")).send();
            assertThat(text(received.receive(5, TimeUnit.SECONDS).orElseThrow())).isEqualTo("marker");
        }
        watcher.disconnect();
    }

    @Test
    void v5DisconnectWithWillMessageSendsTheWill() throws Exception {
        Mqtt5BlockingClient watcher = mqtt.v5("watcher");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("status/#").send();
            Mqtt5BlockingClient leaver = MqttClient.builder().useMqttVersion5().identifier("leaver")
                    .serverHost("127.0.0.1").serverPort(port).buildBlocking();
            leaver.connectWith().willPublish().topic("status/leaver").payload(bytes("bye")).retain(true)
                    .applyWillPublish().send();
            leaver.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
            Mqtt5Publish will = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(will.getTopic().toString()).isEqualTo("status/leaver");
            assertThat(text(will)).isEqualTo("bye");
        }
        watcher.disconnect();
        // Retained: a later subscriber gets it too.
        Mqtt5BlockingClient late = mqtt.v5("late");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = late.publishes(MqttGlobalPublishFilter.ALL)) {
            late.subscribeWith().topicFilter("status/leaver").send();
            Mqtt5Publish retained = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(retained.isRetain()).isTrue();
            assertThat(text(retained)).isEqualTo("bye");
        }
        late.disconnect();
    }

    @Test
    void v5WillDelayIsCancelledByAReconnect() throws Exception {
        Mqtt5BlockingClient watcher = mqtt.v5("watcher");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("status/#").send();
            Mqtt5BlockingClient flaky = MqttClient.builder().useMqttVersion5().identifier("flaky")
                    .serverHost("127.0.0.1").serverPort(port).buildBlocking();
            flaky.connectWith().sessionExpiryInterval(3600)
                    .willPublish().topic("status/flaky").payload(bytes("gone")).delayInterval(3600)
                    .applyWillPublish().send();
            // Ends the connection the way a drop would, as far as the will goes.
            flaky.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.mqtt().pendingWills() == 1);

            flaky.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            assertThat(broker.mqtt().pendingWills()).isZero();
            watcher.publishWith().topic("status/marker").payload(bytes("marker")).send();
            assertThat(text(received.receive(5, TimeUnit.SECONDS).orElseThrow())).isEqualTo("marker");
            flaky.disconnect();
        }
        watcher.disconnect();
    }

    @Test
    void v5WillIsSentOnceItsDelayPasses() throws Exception {
        Mqtt5BlockingClient watcher = mqtt.v5("watcher");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("status/#").send();
            Mqtt5BlockingClient late = MqttClient.builder().useMqttVersion5().identifier("delayed")
                    .serverHost("127.0.0.1").serverPort(port).buildBlocking();
            late.connectWith().sessionExpiryInterval(3600)
                    .willPublish().topic("status/delayed").payload(bytes("gone")).delayInterval(1)
                    .applyWillPublish().send();
            late.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
            Mqtt5Publish will = received.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(will.getTopic().toString()).isEqualTo("status/delayed");
            assertThat(broker.mqtt().pendingWills()).isZero();
        }
        watcher.disconnect();
    }

    @Test
    void v5DisconnectWithAnErrorReasonSendsTheWill() throws Exception {
        // Only reason 0x00 discards the will [MQTT-3.1.2-10].
        Mqtt5BlockingClient watcher = mqtt.v5("watcher");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("status/#").send();
            Mqtt5BlockingClient failing = MqttClient.builder().useMqttVersion5().identifier("failing")
                    .serverHost("127.0.0.1").serverPort(port).buildBlocking();
            failing.connectWith().willPublish().topic("status/failing").payload(bytes("broke")).applyWillPublish()
                    .send();
            failing.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.UNSPECIFIED_ERROR).send();
            Mqtt5Publish will = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(will.getTopic().toString()).isEqualTo("status/failing");
            assertThat(text(will)).isEqualTo("broke");
        }
        watcher.disconnect();
    }

    @Test
    void aCleanStartTakeoverSendsTheEndedSessionsDelayedWillAtOnce() throws Exception {
        // The will goes when its delay passes or its session ends, whichever is first [MQTT-3.1.2-8]; a clean start
        // by another connection ends the session, and only a connection to the same session cancels the will.
        Mqtt5BlockingClient watcher = mqtt.v5("watcher");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("status/#").send();
            Mqtt5BlockingClient first = MqttClient.builder().useMqttVersion5().identifier("twice")
                    .serverHost("127.0.0.1").serverPort(port).buildBlocking();
            first.connectWith().sessionExpiryInterval(3600)
                    .willPublish().topic("status/twice").payload(bytes("first gone")).delayInterval(3600)
                    .applyWillPublish().send();
            Mqtt5BlockingClient second = MqttClient.builder().useMqttVersion5().identifier("twice")
                    .serverHost("127.0.0.1").serverPort(port).buildBlocking();
            second.connectWith().cleanStart(true).send();
            Mqtt5Publish will = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(will.getTopic().toString()).isEqualTo("status/twice");
            assertThat(text(will)).isEqualTo("first gone");
            assertThat(broker.mqtt().pendingWills()).isZero();
            second.disconnect();
        }
        watcher.disconnect();
    }
}
