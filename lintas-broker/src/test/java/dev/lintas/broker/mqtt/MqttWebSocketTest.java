package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.lintas.broker.Broker;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MQTT over WebSocket on {@code /mqtt}: HiveMQ's WebSocket transport and Paho's {@code ws://} URLs (v3 and v5) talk to
 * TCP clients through the same broker, and the JDK's WebSocket client sends packets split across frames and packed
 * into one frame.
 */
class MqttWebSocketTest {

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.startWithWebSocket();
    private final Broker broker = mqtt.broker();
    private final int wsPort = broker.mqttWebSocketAddress().getPort();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hiveMqV5AndV3OverWebSocketTalkToATcpClient() throws Exception {
        Mqtt5BlockingClient ws5 = MqttClient.builder().useMqttVersion5().identifier("ws5")
                .serverHost("127.0.0.1").serverPort(wsPort)
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig()
                .buildBlocking();
        ws5.connect();
        Mqtt3BlockingClient ws3 = MqttClient.builder().useMqttVersion3().identifier("ws3")
                .serverHost("127.0.0.1").serverPort(wsPort)
                .webSocketConfig().serverPath("mqtt").subprotocol("mqttv3.1").applyWebSocketConfig()
                .buildBlocking();
        ws3.connect();
        Mqtt5BlockingClient tcp = mqtt.v5("tcp");
        try (Mqtt5BlockingClient.Mqtt5Publishes got5 = ws5.publishes(MqttGlobalPublishFilter.ALL);
                Mqtt3BlockingClient.Mqtt3Publishes got3 = ws3.publishes(MqttGlobalPublishFilter.ALL)) {
            ws5.subscribeWith().topicFilter("ws/#").qos(MqttQos.AT_LEAST_ONCE).send();
            ws3.subscribeWith().topicFilter("ws/+").qos(MqttQos.AT_LEAST_ONCE).send();

            tcp.publishWith().topic("ws/hello").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("over tcp")).send();
            Mqtt5Publish first5 = got5.receive(5, TimeUnit.SECONDS).orElseThrow();
            Mqtt3Publish first3 = got3.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(first5.getPayloadAsBytes()).isEqualTo(bytes("over tcp"));
            assertThat(first3.getPayloadAsBytes()).isEqualTo(bytes("over tcp"));

            byte[] big = new byte[200_000]; // Larger than one WebSocket frame of either client's defaults.
            Arrays.fill(big, (byte) 7);
            ws3.publishWith().topic("ws/big").qos(MqttQos.AT_LEAST_ONCE).payload(big).send();
            assertThat(got5.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()).isEqualTo(big);
            assertThat(got3.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()).isEqualTo(big);
        }
        assertThat(broker.connections()).isEqualTo(3);
        ws5.disconnect();
        ws3.disconnect();
        tcp.disconnect();
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.connections() == 0);
    }

    @Test
    void pahoV3AndV5ConnectWithWsUrls() throws Exception {
        PahoRoundTrip.check("ws://127.0.0.1:" + wsPort + "/mqtt", "paho-ws", new MqttConnectOptions(),
                new MqttConnectionOptions());
    }

    @Test
    void aPacketMaySpanFramesAndAFrameMayHoldSeveralPackets() throws Exception {
        BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("mqtt")
                .buildAsync(URI.create("ws://127.0.0.1:" + wsPort + "/mqtt"), new Collecting(frames))
                .get(5, TimeUnit.SECONDS);
        assertThat(socket.getSubprotocol()).isEqualTo("mqtt");
        // CONNECT 3.1.1, clean session, keep-alive 0, client id "frag", split into three frames.
        byte[] connect = {0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x00, 0x00, 0x04,
            'f', 'r', 'a', 'g'};
        socket.sendBinary(ByteBuffer.wrap(connect, 0, 1), false).get(5, TimeUnit.SECONDS);
        socket.sendBinary(ByteBuffer.wrap(connect, 1, 9), false).get(5, TimeUnit.SECONDS);
        socket.sendBinary(ByteBuffer.wrap(connect, 10, connect.length - 10), true).get(5, TimeUnit.SECONDS);
        assertThat(frames.poll(5, TimeUnit.SECONDS)).containsExactly(0x20, 0x02, 0x00, 0x00);

        // SUBSCRIBE "f/#" at QoS 0 (packet id 1), PUBLISH QoS 0 to "f/x", and PINGREQ, all in one frame.
        byte[] three = {(byte) 0x82, 0x08, 0x00, 0x01, 0x00, 0x03, 'f', '/', '#', 0x00,
            0x30, 0x07, 0x00, 0x03, 'f', '/', 'x', 'h', 'i',
            (byte) 0xC0, 0x00};
        socket.sendBinary(ByteBuffer.wrap(three), true).get(5, TimeUnit.SECONDS);
        // One frame per packet back: the SUBACK, the PUBLISH (to its own publisher, as subscriber) and the PINGRESP.
        // The PUBLISH is delivered through the session queue, so it may come after the PINGRESP.
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] frame = frames.poll(5, TimeUnit.SECONDS);
            assertThat(frame).as("answer %s of 3, after %s", i + 1, answers).isNotNull();
            answers.add(Arrays.toString(frame));
        }
        assertThat(answers.getFirst()).isEqualTo(Arrays.toString(new byte[] {(byte) 0x90, 0x03, 0x00, 0x01, 0x00}));
        assertThat(answers).containsExactlyInAnyOrder(
                Arrays.toString(new byte[] {(byte) 0x90, 0x03, 0x00, 0x01, 0x00}),
                Arrays.toString(new byte[] {0x30, 0x07, 0x00, 0x03, 'f', '/', 'x', 'h', 'i'}),
                Arrays.toString(new byte[] {(byte) 0xD0, 0x00}));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.connections() == 0);
    }

    @Test
    void aTextFrameEndsTheConnection() throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("mqtt")
                .buildAsync(URI.create("ws://127.0.0.1:" + wsPort + "/mqtt"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        socket.sendText("CONNECT", true).get(5, TimeUnit.SECONDS);
        assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo(1003);
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.connections() == 0);
    }

    @Test
    void otherPathsAre404AndTheListenerIsRegisteredForHealth() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + wsPort + "/other")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("/mqtt");
        assertThat(mqtt.context().listeners().address(Broker.MQTT_WEBSOCKET_LISTENER))
                .isEqualTo(broker.mqttWebSocketAddress());
        assertThat(mqtt.context().listeners().allUp()).isTrue();

        broker.stop();
        assertThat(mqtt.context().listeners().address(Broker.MQTT_WEBSOCKET_LISTENER)).isNull();
    }

    /** Collects whole binary messages; the broker sends each MQTT packet as one frame. */
    private static final class Collecting implements WebSocket.Listener {
        private final BlockingQueue<byte[]> frames;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Collecting(BlockingQueue<byte[]> frames) {
            this.frames = frames;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                frames.add(partial.toByteArray());
                partial.reset();
            }
            webSocket.request(1);
            return null;
        }
    }
}
