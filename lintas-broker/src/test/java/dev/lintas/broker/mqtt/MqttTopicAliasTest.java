package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5 topic aliases, client to broker and broker to client (MQTT 5.0, 3.3.2.3.4). */
class MqttTopicAliasTest {

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(MqttSettings.DEFAULTS.withTopicAliasMaximum(4));

    static MqttProperties properties(MqttProperties.MqttPropertyType type, int value) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(type.value(), value));
        return properties;
    }

    static MqttPublishMessage publish(String topic, int alias, String payload) {
        MqttProperties properties = alias < 0 ? MqttProperties.NO_PROPERTIES
                : properties(MqttProperties.MqttPropertyType.TOPIC_ALIAS, alias);
        return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_MOST_ONCE,
                false, 0), new MqttPublishVariableHeader(topic, 0, properties),
                Unpooled.wrappedBuffer(payload.getBytes(StandardCharsets.UTF_8)));
    }

    private static int alias(MqttPublishMessage publish) {
        MqttProperties.MqttProperty<?> alias = publish.variableHeader().properties()
                .getProperty(MqttProperties.MqttPropertyType.TOPIC_ALIAS.value());
        return alias == null ? 0 : (Integer) alias.value();
    }

    @Test
    void connAckAnnouncesTheTopicAliasMaximum() {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("alias-ack")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        Mqtt5ConnAck ack = client.connect();
        assertThat(ack.getRestrictions().getTopicAliasMaximum()).isEqualTo(4);
        client.disconnect();
    }

    @Test
    void anIncomingAliasIsSetByAFullTopicAndThenStandsForIt() throws Exception {
        Mqtt5BlockingClient sub = mqtt.v5("alias-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL);
                CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            sub.subscribeWith().topicFilter("alias/#").qos(MqttQos.AT_LEAST_ONCE).send();
            raw.connect("alias-pub", MqttProperties.NO_PROPERTIES);
            raw.send(publish("alias/one", 3, "1"));
            raw.send(publish("", 3, "2"));
            raw.send(publish("alias/two", 3, "3")); // A full topic with a known alias replaces its mapping.
            raw.send(publish("", 3, "4"));
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                var publish = received.receive(5, TimeUnit.SECONDS).orElseThrow();
                got.add(publish.getTopic() + "=" + new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            assertThat(got).containsExactly("alias/one=1", "alias/one=2", "alias/two=3", "alias/two=4");
        }
        sub.disconnect();
    }

    @ParameterizedTest(name = "topic ''{0}'' with alias {1} -> DISCONNECT 0x{2}")
    @CsvSource({
            "alias/x, 0, 94",  // 0 is not a valid alias
            "alias/x, 5, 94",  // above the maximum of 4
            "'', 2, 82",       // an alias never set
            "'', -1, 82",      // an empty topic and no alias
    })
    void aBadAliasIsAProtocolErrorThatEndsTheConnection(String topic, int alias, String reason) {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            raw.connect("alias-bad", MqttProperties.NO_PROPERTIES);
            raw.send(publish(topic, alias, "x"));
            assertThat(raw.disconnectReason()).isEqualTo((byte) Integer.parseInt(reason, 16));
        }
    }

    @Test
    void outgoingAliasesFollowTheClientsMaximumAndReplaceTheLeastRecentlyUsed() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            MqttConnAckMessage ack = (MqttConnAckMessage) raw.connect("alias-out",
                    properties(MqttProperties.MqttPropertyType.TOPIC_ALIAS_MAXIMUM, 2));
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
            raw.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "out/#")
                    .build());
            assertThat(raw.receive().fixedHeader().messageType()).isEqualTo(MqttMessageType.SUBACK);
            Mqtt5BlockingClient pub = mqtt.v5("alias-out-pub");
            List<String> wire = new ArrayList<>();
            for (String topic : List.of("out/a", "out/b", "out/a", "out/c", "out/a", "out/b")) {
                pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(topic.getBytes()).send();
                MqttPublishMessage got = (MqttPublishMessage) raw.receive();
                wire.add(got.variableHeader().topicName() + "#" + alias(got));
            }
            // c takes b's alias (b was sent less recently than a); then b takes c's.
            assertThat(wire).containsExactly("out/a#1", "out/b#2", "#1", "out/c#2", "#1", "out/b#2");
            pub.disconnect();
        }
    }

    @Test
    void noOutgoingAliasesWithoutTheClientsMaximumOrForMqtt311() throws Exception {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            raw.connect("alias-none", MqttProperties.NO_PROPERTIES);
            raw.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "none/#")
                    .build());
            raw.receive();
            Mqtt3BlockingClient v3 = mqtt.v3("alias-v3");
            try (Mqtt3BlockingClient.Mqtt3Publishes received = v3.publishes(MqttGlobalPublishFilter.ALL)) {
                v3.subscribeWith().topicFilter("none/#").send();
                Mqtt5BlockingClient pub = mqtt.v5("alias-none-pub");
                for (int i = 0; i < 3; i++) {
                    pub.publishWith().topic("none/same").qos(MqttQos.AT_LEAST_ONCE).send();
                    MqttPublishMessage got = (MqttPublishMessage) raw.receive();
                    assertThat(got.variableHeader().topicName()).isEqualTo("none/same");
                    assertThat(alias(got)).isZero();
                    assertThat(received.receive(5, TimeUnit.SECONDS).orElseThrow().getTopic().toString())
                            .isEqualTo("none/same");
                }
                pub.disconnect();
            }
            v3.disconnect();
        }
    }

    @Test
    void aHiveMqSubscriberResolvesTheBrokersAliasesAcrossReplacements() throws Exception {
        Mqtt5BlockingClient sub = MqttClient.builder().useMqttVersion5().identifier("alias-hive")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        sub.connectWith().restrictions().topicAliasMaximum(2).applyRestrictions().send();
        Mqtt5BlockingClient pub = mqtt.v5("alias-hive-pub");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("hive/#").qos(MqttQos.AT_LEAST_ONCE).send();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add("hive/t" + (i * 7 % 5));
            }
            for (String topic : sent) {
                pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                got.add(received.receive(5, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
            }
            assertThat(got).isEqualTo(sent);
        }
        sub.disconnect();
        pub.disconnect();
    }
}
