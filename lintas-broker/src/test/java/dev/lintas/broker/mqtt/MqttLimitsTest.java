package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import dev.lintas.broker.Broker;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** The configured limits, enforced on a real broker on port 0 with small values, with v3 and v5 clients. */
class MqttLimitsTest {

    private static MqttBrokerUnderTest start(MqttSettings settings) {
        return MqttBrokerUnderTest.start(settings);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void pastMaxConnectionsV5GetsQuotaExceededAndV3ServerUnavailableUntilAPlaceIsFree() {
        try (MqttBrokerUnderTest mqtt = start(MqttSettings.DEFAULTS.withMaxConnections(2))) {
            Mqtt5BlockingClient first = mqtt.v5("one");
            Mqtt3BlockingClient second = mqtt.v3("two");

            Mqtt5BlockingClient third5 = MqttClient.builder().useMqttVersion5().identifier("three5")
                    .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
            Mqtt5ConnAckException refused5 = catchThrowableOfType(Mqtt5ConnAckException.class, third5::connect);
            assertThat(refused5.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED);

            Mqtt3BlockingClient third3 = MqttClient.builder().useMqttVersion3().identifier("three3")
                    .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
            Mqtt3ConnAckException refused3 = catchThrowableOfType(Mqtt3ConnAckException.class, third3::connect);
            assertThat(refused3.getMqttMessage().getReturnCode())
                    .isEqualTo(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE);
            assertThat(mqtt.broker().mqtt().sessionQueue("three5")).isEmpty();

            first.disconnect();
            await().atMost(Duration.ofSeconds(5)).until(() -> mqtt.broker().mqtt().connectionsAdmitted() == 1);
            third5.connect();
            assertThat(third5.getState().isConnected()).isTrue();
            third5.disconnect();
            second.disconnect();
        }
    }

    @Test
    void maxPacketSizeIsAdvertisedToV5ClientsAndALargerPacketClosesTheConnection() throws Exception {
        try (MqttBrokerUnderTest mqtt = start(MqttSettings.DEFAULTS.withMaxPacketSize(100))) {
            Mqtt5BlockingClient v5 = MqttClient.builder().useMqttVersion5().identifier("small")
                    .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
            assertThat(v5.connect().getRestrictions().getMaximumPacketSize()).isEqualTo(100);
            v5.disconnect();

            try (Socket socket = new Socket("127.0.0.1", mqtt.port())) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(new byte[] {0x10, 0x0F, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x00, 0x00, 0x03,
                    'b', 'i', 'g'});
                assertThat(in.readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
                // PUBLISH QoS 0 with remaining length 101: the topic "t" and 98 bytes of payload.
                byte[] publish = new byte[2 + 101];
                publish[0] = 0x30;
                publish[1] = 101;
                publish[3] = 0x01;
                publish[4] = 't';
                out.write(publish);
                out.flush();
                assertThat(in.read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void v5PublishToATopicOverTheLengthLimitIsDisconnectedWith0x90() {
        try (MqttBrokerUnderTest mqtt = start(MqttSettings.DEFAULTS.withTopicLimits(16, 100, 100))) {
            AtomicReference<Throwable> cause = new AtomicReference<>();
            Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("long")
                    .serverHost("127.0.0.1").serverPort(mqtt.port())
                    .addDisconnectedListener(c -> cause.compareAndSet(null, c.getCause()))
                    .buildBlocking();
            client.connect();
            client.publishWith().topic("exactly/16/bytes").payload(bytes("fits")).send();
            assertThat(client.getState().isConnected()).isTrue();

            client.toAsync().publishWith().topic("seventeen/bytes/x").payload(bytes("too long")).send();
            await().atMost(Duration.ofSeconds(5)).until(() -> cause.get() != null);
            assertThat(cause.get()).isInstanceOf(Mqtt5DisconnectException.class);
            assertThat(((Mqtt5DisconnectException) cause.get()).getMqttMessage().getReasonCode())
                    .isEqualTo(Mqtt5DisconnectReasonCode.TOPIC_NAME_INVALID);
        }
    }

    @Test
    void v3PublishToATopicWithTooManyLevelsClosesTheConnection() throws Exception {
        try (MqttBrokerUnderTest mqtt = start(MqttSettings.DEFAULTS.withTopicLimits(1000, 3, 100));
                Socket socket = new Socket("127.0.0.1", mqtt.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // CONNECT 3.1.1, clean session, keep-alive 0, client id "deep".
            out.write(new byte[] {0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x00, 0x00, 0x04,
                'd', 'e', 'e', 'p'});
            assertThat(in.readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
            // PUBLISH QoS 0 to "a/b/c" (3 levels, allowed), then to "a/b/c/d" (4 levels).
            out.write(new byte[] {0x30, 0x08, 0x00, 0x05, 'a', '/', 'b', '/', 'c', 'x'});
            out.write(new byte[] {0x30, 0x0A, 0x00, 0x07, 'a', '/', 'b', '/', 'c', '/', 'd', 'x'});
            out.flush();
            assertThat(in.read()).isEqualTo(-1); // Closed, with nothing sent: 3.1.1 has no DISCONNECT to the client.
        }
    }

    @Test
    void filtersOverTheTopicLimitsAndPastTheSubscriptionLimitAreRefusedInTheSubAck() {
        try (MqttBrokerUnderTest mqtt = start(MqttSettings.DEFAULTS.withTopicLimits(100, 3, 2))) {
            Mqtt5BlockingClient v5 = mqtt.v5("subs5");
            v5.subscribeWith().topicFilter("a/+/c").send();
            Mqtt5SubAckException deep = catchThrowableOfType(Mqtt5SubAckException.class,
                    () -> v5.subscribeWith().topicFilter("a/b/c/#").send());
            assertThat(deep.getMqttMessage().getReasonCodes())
                    .containsExactly(Mqtt5SubAckReasonCode.TOPIC_FILTER_INVALID);
            v5.subscribeWith().topicFilter("b/#").send();
            v5.subscribeWith().topicFilter("a/+/c").qos(MqttQos.AT_LEAST_ONCE).send(); // Replaces; does not count.
            Mqtt5SubAckException third = catchThrowableOfType(Mqtt5SubAckException.class,
                    () -> v5.subscribeWith().topicFilter("c").send());
            assertThat(third.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.QUOTA_EXCEEDED);
            v5.disconnect();

            Mqtt3BlockingClient v3 = mqtt.v3("subs3");
            assertThat(catchThrowableOfType(Mqtt3SubAckException.class,
                    () -> v3.subscribeWith().topicFilter("x/y/z/w").send()).getMqttMessage().getReturnCodes())
                    .containsExactly(Mqtt3SubAckReturnCode.FAILURE);
            v3.subscribeWith().topicFilter("x").send();
            v3.subscribeWith().topicFilter("y").send();
            assertThat(catchThrowableOfType(Mqtt3SubAckException.class,
                    () -> v3.subscribeWith().topicFilter("z").send()).getMqttMessage().getReturnCodes())
                    .containsExactly(Mqtt3SubAckReturnCode.FAILURE);
            v3.disconnect();
        }
    }

    @Test
    void rejectNewKeepsTheOldestMessagesOfAFullSessionAndCountsTheRefused() throws Exception {
        try (MqttBrokerUnderTest mqtt = start(MqttSettings.DEFAULTS.withMaxQueuedMessages(10)
                .withQueueBounds(-1, QueueOverflow.REJECT_NEW))) {
            Broker broker = mqtt.broker();
            Mqtt5BlockingClient keeper = offlineSubscriber(mqtt, "keeper");
            Mqtt5BlockingClient publisher = mqtt.v5("publisher");
            for (int i = 0; i < 15; i++) {
                publisher.publishWith().topic("q/n").qos(MqttQos.AT_LEAST_ONCE).payload(bytes(Integer.toString(i)))
                        .send();
            }
            assertThat(broker.mqtt().droppedMessages()).isEqualTo(5);
            try (Mqtt5BlockingClient.Mqtt5Publishes received = keeper.publishes(MqttGlobalPublishFilter.ALL)) {
                keeper.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
                for (int i = 0; i < 10; i++) {
                    Mqtt5Publish got = received.receive(5, TimeUnit.SECONDS).orElseThrow();
                    assertThat(new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8))
                            .isEqualTo(Integer.toString(i));
                }
            }
            keeper.disconnect();
            publisher.disconnect();
        }
    }

    @Test
    void maxQueuedBytesBoundsASessionQueueByPayloadBytes() {
        try (MqttBrokerUnderTest mqtt = start(MqttSettings.DEFAULTS.withQueueBounds(1000,
                QueueOverflow.DROP_OLDEST))) {
            Broker broker = mqtt.broker();
            Mqtt5BlockingClient keeper = offlineSubscriber(mqtt, "bytes");
            Mqtt5BlockingClient publisher = mqtt.v5("publisher");
            for (int i = 0; i < 25; i++) {
                publisher.publishWith().topic("q/n").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[100]).send();
            }
            String queue = broker.mqtt().sessionQueue("bytes").orElseThrow();
            assertThat(broker.host().queue(queue, null).stats().ready()).isEqualTo(10);
            assertThat(broker.mqtt().droppedMessages()).isEqualTo(15);
            publisher.disconnect();
            keeper.connectWith().cleanStart(true).send();
            keeper.disconnect();
        }
    }

    /** A v5 client subscribed to {@code q/#} at QoS 1 whose session outlives its connection, now disconnected. */
    private static Mqtt5BlockingClient offlineSubscriber(MqttBrokerUnderTest mqtt, String id) {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(id)
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        client.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
        client.subscribeWith().topicFilter("q/#").qos(MqttQos.AT_LEAST_ONCE).send();
        client.disconnect();
        await().atMost(Duration.ofSeconds(5)).until(() -> mqtt.broker().connections() == 0);
        return client;
    }
}
