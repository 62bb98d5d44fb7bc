package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.lintas.broker.core.Binding;
import dev.lintas.broker.core.ConsumeOptions;
import dev.lintas.broker.core.Consumer;
import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.QueueSpec;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** MQTT 5 publish properties travel with the message: to v5 subscribers, to AMQP-style consumers, not to 3.1.1. */
class MqttPublishPropertiesTest {

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void publishWithEveryProperty(Mqtt5BlockingClient pub, String topic, boolean retain) {
        pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain).payload(bytes("21.5"))
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                .contentType("text/plain")
                .responseTopic("replies/me")
                .correlationData(bytes("req-7"))
                .messageExpiryInterval(3600)
                .userProperties().add("unit", "C").add("site", "north").add("unit", "K").applyUserProperties()
                .send();
    }

    private static List<String> pairs(Mqtt5Publish publish) {
        return publish.getUserProperties().asList().stream()
                .map((Mqtt5UserProperty p) -> p.getName() + "=" + p.getValue()).toList();
    }

    @Test
    void everyPropertyReachesAV5SubscriberUserPropertiesInOrderWithDuplicates() throws Exception {
        Mqtt5BlockingClient sub = mqtt.v5("props-sub");
        Mqtt5BlockingClient pub = mqtt.v5("props-pub");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("temp/#").qos(MqttQos.AT_LEAST_ONCE).send();
            publishWithEveryProperty(pub, "temp/kitchen", false);
            Mqtt5Publish got = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(got.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
            assertThat(got.getContentType().orElseThrow().toString()).isEqualTo("text/plain");
            assertThat(got.getResponseTopic().orElseThrow().toString()).isEqualTo("replies/me");
            assertThat(copy(got.getCorrelationData().orElseThrow())).isEqualTo(bytes("req-7"));
            assertThat(got.getMessageExpiryInterval()).isPresent();
            assertThat(got.getMessageExpiryInterval().getAsLong()).isBetween(1L, 3600L);
            assertThat(pairs(got)).containsExactly("unit=C", "site=north", "unit=K");

            pub.publishWith().topic("temp/hall").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("plain")).send();
            Mqtt5Publish plain = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(plain.getContentType()).isEmpty();
            assertThat(plain.getMessageExpiryInterval()).isEmpty();
            assertThat(plain.getUserProperties().asList()).isEmpty();
            assertThat(plain.getPayloadFormatIndicator()).isEmpty();
        }
        sub.disconnect();
        pub.disconnect();
    }

    @Test
    void theCoreMessageCarriesThemUnderAmqpNamesAndUserPropertiesAsHeaders() throws Exception {
        BlockingQueue<Message> seen = new LinkedBlockingQueue<>();
        var host = mqtt.broker().host();
        host.declareQueue(QueueSpec.named("amqp-side"), null);
        host.bind(Binding.of(MqttBroker.EXCHANGE, "amqp-side", "temp.#"), null);
        host.queue("amqp-side", null).consume(new Consumer() {
            @Override
            public void deliver(Delivery delivery) {
                seen.add(delivery.message());
            }

            @Override
            public void cancelled() {
            }
        }, ConsumeOptions.autoAck("amqp"));
        Mqtt5BlockingClient pub = mqtt.v5("props-pub");
        publishWithEveryProperty(pub, "temp/cellar", false);
        Message message = seen.poll(5, TimeUnit.SECONDS);
        assertThat(message).isNotNull();
        assertThat(message.properties()).containsEntry(PublishProperties.CONTENT_TYPE, "text/plain")
                .containsEntry(PublishProperties.REPLY_TO, "replies/me")
                .containsEntry(PublishProperties.PAYLOAD_FORMAT, 1);
        assertThat((byte[]) message.properties().get(PublishProperties.CORRELATION_ID)).isEqualTo(bytes("req-7"));
        assertThat(message.headers()).containsExactly(Map.entry("unit", List.of("C", "K")),
                Map.entry("site", "north"));
        assertThat(message.ttlMillis()).hasValue(3_600_000);
        pub.disconnect();
    }

    @Test
    void pahoV5ReceivesThePropertiesToo() throws Exception {
        BlockingQueue<org.eclipse.paho.mqttv5.common.MqttMessage> received = new LinkedBlockingQueue<>();
        org.eclipse.paho.mqttv5.client.MqttClient paho = new org.eclipse.paho.mqttv5.client.MqttClient(
                "tcp://127.0.0.1:" + mqtt.port(), "paho5-props",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        paho.setCallback(new ArrivalsOnly(received));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        paho.connect(options);
        paho.subscribe("temp/+", 1);
        Mqtt5BlockingClient pub = mqtt.v5("props-pub");
        publishWithEveryProperty(pub, "temp/attic", false);
        org.eclipse.paho.mqttv5.common.MqttMessage got = received.poll(5, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        var properties = got.getProperties();
        assertThat(properties.getContentType()).isEqualTo("text/plain");
        assertThat(properties.getResponseTopic()).isEqualTo("replies/me");
        assertThat(properties.getCorrelationData()).isEqualTo(bytes("req-7"));
        assertThat(properties.getPayloadFormat()).isTrue();
        assertThat(properties.getMessageExpiryInterval()).isBetween(1L, 3600L);
        assertThat(properties.getUserProperties().stream().map((UserProperty p) -> p.getKey() + "=" + p.getValue()))
                .containsExactly("unit=C", "site=north", "unit=K");
        paho.disconnect();
        paho.close();
        pub.disconnect();
    }

    @Test
    void aV311SubscriberGetsThePlainMessage() throws Exception {
        Mqtt3BlockingClient sub = mqtt.v3("v3-sub");
        Mqtt5BlockingClient pub = mqtt.v5("props-pub");
        try (Mqtt3BlockingClient.Mqtt3Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("temp/#").qos(MqttQos.AT_LEAST_ONCE).send();
            publishWithEveryProperty(pub, "temp/porch", false);
            Mqtt3Publish got = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(got.getTopic().toString()).isEqualTo("temp/porch");
            assertThat(got.getPayloadAsBytes()).isEqualTo(bytes("21.5"));
            assertThat(got.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        }
        sub.disconnect();
        pub.disconnect();
    }

    @Test
    void retainedMessagesKeepTheirPropertiesAndTheRemainingExpiry() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("props-pub");
        publishWithEveryProperty(pub, "temp/retained", true);
        Mqtt5BlockingClient sub = mqtt.v5("props-late");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("temp/retained").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5Publish got = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(got.isRetain()).isTrue();
            assertThat(got.getContentType().orElseThrow().toString()).isEqualTo("text/plain");
            assertThat(got.getMessageExpiryInterval().orElseThrow()).isBetween(1L, 3600L);
            assertThat(pairs(got)).containsExactly("unit=C", "site=north", "unit=K");
        }
        sub.disconnect();
        pub.disconnect();
    }

    @Test
    void anExpiredMessageIsNotDeliveredQueuedOrRetained() throws Exception {
        Mqtt5BlockingClient offline = MqttClient.builder().useMqttVersion5().identifier("props-offline")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        offline.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
        offline.subscribeWith().topicFilter("exp/#").qos(MqttQos.AT_LEAST_ONCE).send();
        offline.disconnect();

        Mqtt5BlockingClient pub = mqtt.v5("props-pub");
        long published = System.currentTimeMillis();
        pub.publishWith().topic("exp/gone").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("old"))
                .messageExpiryInterval(0).send();
        // A message has expired once more than its interval has passed: at least a millisecond here.
        await().until(() -> System.currentTimeMillis() > published + 1);
        pub.publishWith().topic("exp/kept").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("new"))
                .messageExpiryInterval(600).send();

        try (Mqtt5BlockingClient.Mqtt5Publishes received = offline.publishes(MqttGlobalPublishFilter.ALL)) {
            offline.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
            Mqtt5Publish first = received.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(first.getTopic().toString()).isEqualTo("exp/kept");
            assertThat(first.getMessageExpiryInterval().orElseThrow()).isBetween(1L, 600L);
        }
        Mqtt5BlockingClient late = mqtt.v5("props-late");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = late.publishes(MqttGlobalPublishFilter.ALL)) {
            late.subscribeWith().topicFilter("exp/#").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("exp/marker").payload(bytes("m")).send();
            assertThat(received.receive(5, TimeUnit.SECONDS).orElseThrow().getTopic().toString())
                    .isEqualTo("exp/marker"); // the expired retained message did not come first
        }
        offline.disconnect();
        late.disconnect();
        pub.disconnect();
    }

    @Test
    void invalidUtf8WithPayloadFormat1IsPubAck0x99AtQos1AndDisconnect0x99AtQos0() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            assertThat(((MqttConnAckMessage) raw.connect("raw-utf8", MqttProperties.NO_PROPERTIES))
                    .variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0);
            raw.send(publish(1, 7, new byte[] {(byte) 0xC3, (byte) 0x28}));
            MqttMessage ack = raw.receive();
            assertThat(ack.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
            MqttPubReplyMessageVariableHeader header = (MqttPubReplyMessageVariableHeader) ack.variableHeader();
            assertThat(header.messageId()).isEqualTo(7);
            assertThat(header.reasonCode()).isEqualTo((byte) 0x99);

            raw.send(publish(1, 8, bytes("fine ü")));
            assertThat(((MqttPubReplyMessageVariableHeader) raw.receive().variableHeader()).reasonCode())
                    .isEqualTo((byte) 0);

            raw.send(publish(0, 0, new byte[] {(byte) 0xFF}));
            assertThat(raw.disconnectReason()).isEqualTo((byte) 0x99);
        }
    }

    @Test
    void aSubscriptionIdentifierOrAWildcardResponseTopicFromAClientIsDisconnect0x82() {
        for (MqttProperties.MqttProperty<?> bad : List.of(
                new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), 5),
                new MqttProperties.StringProperty(MqttProperties.MqttPropertyType.RESPONSE_TOPIC.value(), "re/#"))) {
            try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
                raw.connect("raw-bad-props", MqttProperties.NO_PROPERTIES);
                MqttProperties properties = new MqttProperties();
                properties.add(bad);
                raw.send(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false,
                        MqttQoS.AT_MOST_ONCE, false, 0), new MqttPublishVariableHeader("raw/topic", 0, properties),
                        Unpooled.wrappedBuffer(bytes("x"))));
                assertThat(raw.disconnectReason()).isEqualTo((byte) 0x82);
            }
        }
    }

    @Test
    void aWillWhosePayloadIsNotTheUtf8ItClaimsIsRefusedWithConnAck0x99() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            MqttProperties willProperties = new MqttProperties();
            willProperties.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), 1));
            raw.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("raw-will")
                    .cleanSession(true).willFlag(true).willTopic("wills/raw").willQoS(MqttQoS.AT_MOST_ONCE)
                    .willMessage(new byte[] {(byte) 0xC0, (byte) 0x80}).willProperties(willProperties).build());
            MqttConnAckMessage ack = (MqttConnAckMessage) raw.receive();
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0x99);
            assertThat(raw.closedByBroker()).isTrue();
        }
    }

    @Test
    void aWillIsPublishedWithItsProperties() throws Exception {
        Mqtt5BlockingClient sub = mqtt.v5("will-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("wills/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient dying = MqttClient.builder().useMqttVersion5().identifier("will-props")
                    .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
            dying.connectWith().willPublish().topic("wills/dying").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("bye"))
                    .contentType("text/plain").responseTopic("wills/ack").correlationData(bytes("c1"))
                    .messageExpiryInterval(120).userProperties().add("reason", "test").applyUserProperties()
                    .applyWillPublish().send();
            try (CodecMqttClient thief = new CodecMqttClient(mqtt.port())) { // A takeover ends it without DISCONNECT.
                thief.connect("will-props", MqttProperties.NO_PROPERTIES);
                Mqtt5Publish will = received.receive(5, TimeUnit.SECONDS).orElseThrow();
                assertThat(will.getTopic().toString()).isEqualTo("wills/dying");
                assertThat(will.getContentType().orElseThrow().toString()).isEqualTo("text/plain");
                assertThat(will.getResponseTopic().orElseThrow().toString()).isEqualTo("wills/ack");
                assertThat(copy(will.getCorrelationData().orElseThrow())).isEqualTo(bytes("c1"));
                assertThat(will.getMessageExpiryInterval().orElseThrow()).isBetween(1L, 120L);
                assertThat(pairs(will)).containsExactly("reason=test");
            }
        }
        sub.disconnect();
    }

    static MqttPublishMessage publish(int qos, int packetId, byte[] payload) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(
                MqttProperties.MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), 1));
        return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(qos),
                false, 0), new MqttPublishVariableHeader("raw/topic", packetId, properties),
                Unpooled.wrappedBuffer(payload));
    }

    private static byte[] copy(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** A Paho callback that only collects arriving messages. */
    record ArrivalsOnly(BlockingQueue<org.eclipse.paho.mqttv5.common.MqttMessage> arrived) implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
            arrived.add(message);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties props) {
        }
    }
}
