package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.lintas.broker.Broker;
import dev.lintas.broker.core.QueueStats;
import io.micrometer.core.instrument.FunctionCounter;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slow and absent subscribers cost bounded memory: session queues drop their oldest messages past
 * {@link MqttSettings#maxQueuedMessages()}, and a connection that does not read is handed at most
 * {@link MqttSettings#deliveryWindow()} messages. A real broker on port 0 with small limits.
 */
class MqttBoundedMemoryTest {

    private static final int MAX_QUEUED = 500;
    private static final int WINDOW = 32;

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(
            MqttSettings.DEFAULTS.withMaxQueuedMessages(MAX_QUEUED).withDeliveryWindow(WINDOW));
    private final Broker broker = mqtt.broker();
    private final int port = mqtt.port();

    private QueueStats stats(String clientId) {
        return broker.host().queue(broker.mqtt().sessionQueue(clientId).orElseThrow(), null).stats();
    }

    @Test
    void defaultsAreGenerous() {
        assertThat(MqttSettings.DEFAULTS.maxQueuedMessages()).isGreaterThanOrEqualTo(100_000);
        assertThat(MqttSettings.DEFAULTS.deliveryWindow()).isEqualTo(1024);
    }

    @Test
    void aSubscriberThatStopsReadingHoldsAtMostMaxQueuedPlusWindowAndOthersAreStillServed() throws Exception {
        Mqtt5BlockingClient bystander = mqtt.v5("bystander");
        Mqtt5AsyncClient publisher = mqtt.v5("flooder").toAsync();
        try (Socket stalled = new Socket();
                Mqtt5BlockingClient.Mqtt5Publishes received = bystander.publishes(MqttGlobalPublishFilter.ALL)) {
            bystander.subscribeWith().topicFilter("other/#").send();
            stalled.setReceiveBufferSize(4096);
            stalled.setSoTimeout(5000);
            stalled.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = stalled.getOutputStream();
            InputStream in = stalled.getInputStream();
            // CONNECT 3.1.1, clean session, keep-alive 0, client id "stall".
            out.write(new byte[] {0x10, 0x11, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x00, 0x00, 0x05,
                's', 't', 'a', 'l', 'l'});
            out.flush();
            assertThat(in.readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
            // SUBSCRIBE packet id 1, "flood/#" at QoS 0.
            out.write(new byte[] {(byte) 0x82, 0x0C, 0x00, 0x01, 0x00, 0x07, 'f', 'l', 'o', 'o', 'd', '/', '#',
                0x00});
            out.flush();
            assertThat(in.readNBytes(5)).containsExactly(0x90, 0x03, 0x00, 0x01, 0x00);
            // From here on the stalled client never reads again.

            // 20,000 messages of 1 KiB, and more if the socket buffers of this machine absorb that much: until
            // the session queue has been dropping for 5,000 messages.
            byte[] kib = new byte[1024];
            int maxHeld = 0;
            int batches = 0;
            long droppingSince = -1;
            while (batches < 20 || droppingSince < 0 || broker.mqtt().droppedMessages() - droppingSince < 5000) {
                assertThat(batches).as("batches of 1,000 published").isLessThan(200);
                List<CompletableFuture<?>> sent = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    sent.add(publisher.publishWith().topic("flood/data").qos(MqttQos.AT_LEAST_ONCE).payload(kib)
                            .send());
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                batches++;
                QueueStats stats = stats("stall");
                maxHeld = Math.max(maxHeld, stats.ready() + stats.unacked());
                if (droppingSince < 0 && broker.mqtt().droppedMessages() > 0) {
                    droppingSince = broker.mqtt().droppedMessages();
                }
            }
            assertThat(maxHeld).isLessThanOrEqualTo(MAX_QUEUED + WINDOW);
            QueueStats stats = stats("stall");
            assertThat(stats.ready()).isEqualTo(MAX_QUEUED); // Full, and kept full by drop-head.
            assertThat(stats.unacked()).isLessThanOrEqualTo(WINDOW);
            FunctionCounter counter = mqtt.context().metrics().get("lintas.broker.mqtt.dropped").functionCounter();
            assertThat(counter.count()).isEqualTo((double) broker.mqtt().droppedMessages());

            // Everyone else is still served, promptly.
            bystander.publishWith().topic("other/ping").payload("ok".getBytes(StandardCharsets.UTF_8)).send();
            Mqtt5Publish got = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(got.getPayloadAsBytes()).isEqualTo("ok".getBytes(StandardCharsets.UTF_8));
        }
        publisher.disconnect().get(5, TimeUnit.SECONDS);
        bystander.disconnect();
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.connections() == 0);
    }

    @Test
    void anOfflineSessionKeepsTheNewestMaxQueuedMessagesAndDeliversThemInOrder() throws Exception {
        Mqtt5BlockingClient keeper = MqttClient.builder().useMqttVersion5().identifier("keeper")
                .serverHost("127.0.0.1").serverPort(port).buildBlocking();
        keeper.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
        keeper.subscribeWith().topicFilter("offline/#").qos(MqttQos.AT_LEAST_ONCE).send();
        keeper.disconnect();
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.connections() == 0);

        int total = MAX_QUEUED + 250;
        Mqtt5BlockingClient publisher = mqtt.v5("offline-publisher");
        for (int i = 0; i < total; i++) {
            publisher.publishWith().topic("offline/n").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8)).send();
        }
        assertThat(stats("keeper").ready()).isEqualTo(MAX_QUEUED);
        assertThat(broker.mqtt().droppedMessages()).isEqualTo(250);

        try (Mqtt5BlockingClient.Mqtt5Publishes received = keeper.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(keeper.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent())
                    .isTrue();
            for (int i = total - MAX_QUEUED; i < total; i++) {
                Mqtt5Publish got = received.receive(5, TimeUnit.SECONDS).orElseThrow();
                assertThat(new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(i));
            }
            publisher.publishWith().topic("offline/n").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("last".getBytes(StandardCharsets.UTF_8)).send();
            Mqtt5Publish last = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(new String(last.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("last");
        }
        keeper.disconnect();
        publisher.disconnect();
    }
}
