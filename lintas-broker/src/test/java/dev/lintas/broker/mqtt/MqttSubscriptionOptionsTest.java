package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5 subscription options (3.8.3.1) and subscription identifiers (3.8.2.1.2, 3.3.4). */
class MqttSubscriptionOptionsTest {

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String topicOf(Mqtt5BlockingClient.Mqtt5Publishes received) throws InterruptedException {
        return received.receive(5, TimeUnit.SECONDS).orElseThrow().getTopic().toString();
    }

    @Test
    void connAckSaysSubscriptionIdentifiersAreAvailable() {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("ids-ack")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        Mqtt5ConnAck ack = client.connect();
        assertThat(ack.getRestrictions().areSubscriptionIdentifiersAvailable()).isTrue();
        client.disconnect();
    }

    @Test
    void noLocalKeepsAClientsOwnPublishesFromIt() throws Exception {
        Mqtt5BlockingClient self = mqtt.v5("nolocal-self");
        Mqtt5BlockingClient other = mqtt.v5("nolocal-other");
        try (Mqtt5BlockingClient.Mqtt5Publishes mine = self.publishes(MqttGlobalPublishFilter.ALL);
                Mqtt5BlockingClient.Mqtt5Publishes theirs = other.publishes(MqttGlobalPublishFilter.ALL)) {
            self.subscribeWith().topicFilter("chat/#").qos(MqttQos.AT_LEAST_ONCE).noLocal(true).send();
            other.subscribeWith().topicFilter("chat/#").qos(MqttQos.AT_LEAST_ONCE).send();
            self.publishWith().topic("chat/self").qos(MqttQos.AT_LEAST_ONCE).send();
            other.publishWith().topic("chat/other").qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(topicOf(mine)).isEqualTo("chat/other"); // its own message never came
            assertThat(topicOf(theirs)).isEqualTo("chat/self"); // no-local is per subscription, not global
            assertThat(topicOf(theirs)).isEqualTo("chat/other");
        }
        self.disconnect();
        other.disconnect();
    }

    @Test
    void retainAsPublishedKeepsTheRetainFlagOtherwiseItIsCleared() throws Exception {
        Mqtt5BlockingClient keep = mqtt.v5("rap-keep");
        Mqtt5BlockingClient clear = mqtt.v5("rap-clear");
        Mqtt5BlockingClient pub = mqtt.v5("rap-pub");
        try (Mqtt5BlockingClient.Mqtt5Publishes kept = keep.publishes(MqttGlobalPublishFilter.ALL);
                Mqtt5BlockingClient.Mqtt5Publishes cleared = clear.publishes(MqttGlobalPublishFilter.ALL)) {
            keep.subscribeWith().topicFilter("rap/#").qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true).send();
            clear.subscribeWith().topicFilter("rap/#").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("rap/state").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("on")).send();
            pub.publishWith().topic("rap/event").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("tick")).send();
            Mqtt5Publish keptRetained = kept.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(keptRetained.isRetain()).isTrue();
            assertThat(kept.receive(5, TimeUnit.SECONDS).orElseThrow().isRetain()).isFalse();
            assertThat(cleared.receive(5, TimeUnit.SECONDS).orElseThrow().isRetain()).isFalse();
            assertThat(cleared.receive(5, TimeUnit.SECONDS).orElseThrow().isRetain()).isFalse();
        }
        keep.disconnect();
        clear.disconnect();
        pub.disconnect();
    }

    @Test
    void retainHandlingSendsAlwaysOnlyForANewSubscriptionOrNever() throws Exception {
        Mqtt5BlockingClient pub = mqtt.v5("rh-pub");
        pub.publishWith().topic("rh/a").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("A")).send();
        Mqtt5BlockingClient sub = mqtt.v5("rh-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            for (Mqtt5RetainHandling handling : List.of(Mqtt5RetainHandling.SEND, Mqtt5RetainHandling.SEND)) {
                sub.subscribeWith().topicFilter("rh/#").retainHandling(handling).send();
                assertThat(received.receive(5, TimeUnit.SECONDS).orElseThrow().isRetain()).isTrue();
            }
            sub.subscribeWith().topicFilter("rh/+").retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST)
                    .send();
            assertThat(topicOf(received)).isEqualTo("rh/a"); // new: sent
            sub.subscribeWith().topicFilter("rh/+").retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST)
                    .send(); // exists: not sent
            sub.subscribeWith().topicFilter("+/a").retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
            pub.publishWith().topic("rh/marker").payload(bytes("m")).send();
            assertThat(topicOf(received)).isEqualTo("rh/marker");
        }
        sub.disconnect();
        pub.disconnect();
    }

    @Test
    void overlappingSubscriptionsGiveOneDeliveryAtTheHighestQosWithEveryIdentifier() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            raw.connect("ids-raw", MqttProperties.NO_PROPERTIES);
            subscribe(raw, 1, "ov/#", MqttQoS.AT_MOST_ONCE, 5);
            subscribe(raw, 2, "ov/+", MqttQoS.AT_LEAST_ONCE, 300_000);
            subscribe(raw, 3, "ov/x", MqttQoS.AT_MOST_ONCE, -1); // no identifier
            Mqtt5BlockingClient pub = mqtt.v5("ids-pub");
            pub.publishWith().topic("ov/x").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("ov/y/z").qos(MqttQos.AT_LEAST_ONCE).send();
            MqttPublishMessage first = (MqttPublishMessage) raw.receive();
            assertThat(first.variableHeader().topicName()).isEqualTo("ov/x");
            assertThat(first.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
            assertThat(ids(first)).containsExactlyInAnyOrder(5, 300_000);
            raw.send(MqttMessageBuilders.pubAck().packetId(first.variableHeader().packetId()).build());
            MqttPublishMessage second = (MqttPublishMessage) raw.receive(); // not a second copy of ov/x
            assertThat(second.variableHeader().topicName()).isEqualTo("ov/y/z");
            assertThat(second.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_MOST_ONCE);
            assertThat(ids(second)).containsExactly(5);
            pub.disconnect();
        }
    }

    @Test
    void noLocalOnOneOfTwoOverlappingSubscriptionsLeavesTheOthersIdentifier() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            raw.connect("ids-nolocal", MqttProperties.NO_PROPERTIES);
            MqttProperties id1 = subscriptionId(1);
            raw.send(MqttMessageBuilders.subscribe().messageId(1).properties(id1).addSubscription("nl/#",
                    new io.netty.handler.codec.mqtt.MqttSubscriptionOption(MqttQoS.AT_MOST_ONCE, true, false,
                            io.netty.handler.codec.mqtt.MqttSubscriptionOption.RetainedHandlingPolicy
                                    .SEND_AT_SUBSCRIBE)).build());
            raw.receive();
            subscribe(raw, 2, "nl/+", MqttQoS.AT_MOST_ONCE, 2);
            raw.send(MqttTopicAliasTest.publish("nl/own", -1, "mine"));
            MqttPublishMessage got = (MqttPublishMessage) raw.receive();
            assertThat(got.variableHeader().topicName()).isEqualTo("nl/own");
            assertThat(ids(got)).containsExactly(2);
        }
    }

    @Test
    void subscriptionIdentifierZeroIsAProtocolError() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            raw.connect("ids-zero", MqttProperties.NO_PROPERTIES);
            raw.send(MqttMessageBuilders.subscribe().messageId(1).properties(subscriptionId(0))
                    .addSubscription(MqttQoS.AT_MOST_ONCE, "zero/#").build());
            assertThat(raw.disconnectReason()).isEqualTo((byte) 0x82);
        }
    }

    @Test
    void pahoV5GetsItsSubscriptionIdentifierBack() throws Exception {
        BlockingQueue<org.eclipse.paho.mqttv5.common.MqttMessage> received = new LinkedBlockingQueue<>();
        MqttAsyncClient paho = new MqttAsyncClient("tcp://127.0.0.1:" + mqtt.port(), "paho-ids",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        paho.setCallback(new MqttPublishPropertiesTest.ArrivalsOnly(received));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        paho.connect(options).waitForCompletion(5_000);
        org.eclipse.paho.mqttv5.common.packet.MqttProperties properties =
                new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
        properties.setSubscriptionIdentifier(42);
        properties.setSubscriptionIdentifiers(List.of(42)); // Paho's async subscribe reads this list
        paho.subscribe(new MqttSubscription[] {new MqttSubscription("paho/ids/#", 1)}, null, null,
                (org.eclipse.paho.mqttv5.client.IMqttMessageListener) null, properties).waitForCompletion(5_000);
        Mqtt5BlockingClient pub = mqtt.v5("paho-ids-pub");
        pub.publishWith().topic("paho/ids/1").qos(MqttQos.AT_LEAST_ONCE).send();
        org.eclipse.paho.mqttv5.common.MqttMessage got = received.poll(5, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.getProperties().getSubscriptionIdentifiers()).containsExactly(42);
        paho.disconnect().waitForCompletion(5_000);
        paho.close();
        pub.disconnect();
    }

    private static MqttProperties subscriptionId(int id) {
        return MqttTopicAliasTest.properties(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER, id);
    }

    private static void subscribe(CodecMqttClient raw, int packetId, String filter, MqttQoS qos, int id) {
        raw.send(MqttMessageBuilders.subscribe().messageId(packetId)
                .properties(id < 0 ? MqttProperties.NO_PROPERTIES : subscriptionId(id))
                .addSubscription(qos, filter).build());
        assertThat(raw.receive().fixedHeader().messageType()).isEqualTo(MqttMessageType.SUBACK);
    }

    private static List<Integer> ids(MqttPublishMessage publish) {
        return publish.variableHeader().properties()
                .getProperties(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value()).stream()
                .map(property -> (Integer) property.value()).toList();
    }
}
