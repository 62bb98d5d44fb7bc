package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MQTT 5 limits negotiated at CONNECT: Maximum Packet Size both ways (3.1.2.11.4, 3.2.2.3.6), Server Keep Alive
 * (3.2.2.3.14), and the Session Expiry Interval a DISCONNECT may change (3.14.2.2.2).
 */
class MqttSessionLimitsTest {

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(
            MqttSettings.DEFAULTS.withMaxKeepAliveSeconds(30));

    private static Object property(MqttConnAckMessage ack, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> property = ack.variableHeader().properties().getProperty(type.value());
        return property == null ? null : property.value();
    }

    @Test
    void connAckAnnouncesTheBrokersMaximumPacketSize() {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("max-ack")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        Mqtt5ConnAck ack = client.connect();
        assertThat(ack.getRestrictions().getMaximumPacketSize()).isEqualTo(MqttSettings.DEFAULTS.maxPacketSize());
        client.disconnect();
    }

    @Test
    void aMessageAboveTheClientsMaximumIsNotSentAndCountsAsDelivered() throws Exception {
        Mqtt5BlockingClient small = MqttClient.builder().useMqttVersion5().identifier("max-small")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        small.connectWith().restrictions().maximumPacketSize(100).applyRestrictions().send();
        Mqtt5BlockingClient pub = mqtt.v5("max-pub");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = small.publishes(MqttGlobalPublishFilter.ALL)) {
            small.subscribeWith().topicFilter("size/#").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("size/big").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[200]).send();
            pub.publishWith().topic("size/small").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[10]).send();
            assertThat(received.receive(5, TimeUnit.SECONDS).orElseThrow().getTopic().toString())
                    .isEqualTo("size/small");
        }
        assertThat(small.getState().isConnected()).isTrue();
        String queue = mqtt.broker().mqtt().sessionQueue("max-small").orElseThrow();
        await().untilAsserted(() -> {
            var stats = mqtt.broker().host().queue(queue, null).stats();
            assertThat(stats.ready() + stats.unacked()).isZero(); // the big one was acknowledged, not kept
        });
        small.disconnect();
        pub.disconnect();
    }

    @Test
    void theSizeCountsTheWholePacketPropertiesIncluded() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            MqttProperties limit = MqttTopicAliasTest.properties(MqttPropertyType.MAXIMUM_PACKET_SIZE, 30);
            raw.connect("max-exact", limit);
            raw.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "e/#")
                    .build());
            raw.receive();
            Mqtt5BlockingClient pub = mqtt.v5("max-exact-pub");
            // At QoS 0 with no properties: 1 + 1 + (2 + 3 + 1) + payload bytes, so 22 bytes of payload make 30.
            pub.publishWith().topic("e/a").payload(new byte[23]).send();
            pub.publishWith().topic("e/a").payload(new byte[22]).send();
            pub.publishWith().topic("e/a").payload(new byte[22]).userProperties().add("k", "v")
                    .applyUserProperties().send(); // 7 more bytes of properties: too big
            pub.publishWith().topic("e/a").payload(new byte[1]).send();
            assertThat(((MqttPublishMessage) raw.receive()).payload().readableBytes()).isEqualTo(22);
            assertThat(((MqttPublishMessage) raw.receive()).payload().readableBytes()).isEqualTo(1);
            pub.disconnect();
        }
    }

    @Test
    void maximumPacketSizeZeroIsAProtocolError() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            MqttConnAckMessage ack = (MqttConnAckMessage) raw.connect("max-zero",
                    MqttTopicAliasTest.properties(MqttPropertyType.MAXIMUM_PACKET_SIZE, 0));
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0x82);
            assertThat(raw.closedByBroker()).isTrue();
        }
    }

    @Test
    void aKeepAliveAboveTheMaximumOrNoneGetsServerKeepAlive() {
        for (int asked : new int[] {60, 0}) {
            Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("ka-" + asked)
                    .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
            Mqtt5ConnAck ack = client.connectWith().keepAlive(asked).send();
            assertThat(ack.getServerKeepAlive()).hasValue(30);
            client.disconnect();
        }
        Mqtt5BlockingClient within = MqttClient.builder().useMqttVersion5().identifier("ka-within")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        assertThat(within.connectWith().keepAlive(20).send().getServerKeepAlive()).isEmpty();
        within.disconnect();
    }

    @Test
    void theBrokerEnforcesTheServerKeepAlive() {
        try (MqttBrokerUnderTest strict = MqttBrokerUnderTest.start(MqttSettings.DEFAULTS.withMaxKeepAliveSeconds(1));
                CodecMqttClient raw = new CodecMqttClient(strict.port())) {
            raw.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("ka-strict")
                    .cleanSession(true).keepAlive(0).build());
            MqttConnAckMessage ack = (MqttConnAckMessage) raw.receive();
            assertThat(property(ack, MqttPropertyType.SERVER_KEEP_ALIVE)).isEqualTo(1);
            // Silent past 1.5 times the keep-alive: the broker ends the connection.
            assertThat(raw.disconnectReason()).isEqualTo(MqttReasonCodes.Disconnect.KEEP_ALIVE_TIMEOUT.byteValue());
        }
    }

    @Test
    void v311KeepsTheKeepAliveItAskedFor() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            raw.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("ka-v3")
                    .cleanSession(true).keepAlive(600).build());
            MqttConnAckMessage ack = (MqttConnAckMessage) raw.receive();
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
            assertThat(ack.variableHeader().properties().isEmpty()).isTrue();
        }
    }

    @Test
    void disconnectMayChangeTheSessionExpiry() {
        Mqtt5BlockingClient ending = MqttClient.builder().useMqttVersion5().identifier("exp-end")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        ending.connectWith().sessionExpiryInterval(300).send();
        ending.disconnectWith().sessionExpiryInterval(0).send();
        await().until(() -> mqtt.broker().mqtt().sessionQueue("exp-end").isEmpty());

        Mqtt5BlockingClient shortened = MqttClient.builder().useMqttVersion5().identifier("exp-short")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        shortened.connectWith().sessionExpiryInterval(3600).send();
        shortened.disconnectWith().sessionExpiryInterval(1).send();
        assertThat(mqtt.broker().mqtt().sessionQueue("exp-short")).isPresent();
        // The broker's once-a-second timer ends it a second or two later, not in an hour.
        await().atMost(10, TimeUnit.SECONDS).until(() -> mqtt.broker().mqtt().sessionQueue("exp-short").isEmpty());
    }

    @Test
    void disconnectSettingAnExpiryWhenConnectSetNoneIsAProtocolError() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            raw.connect("exp-bad", MqttProperties.NO_PROPERTIES);
            MqttProperties expiry = MqttTopicAliasTest.properties(MqttPropertyType.SESSION_EXPIRY_INTERVAL, 60);
            raw.send(MqttMessageBuilders.disconnect().reasonCode((byte) 0).properties(expiry).build());
            assertThat(raw.disconnectReason()).isEqualTo((byte) 0x82);
        }
        await().until(() -> mqtt.broker().mqtt().sessionQueue("exp-bad").isEmpty());
    }
}
