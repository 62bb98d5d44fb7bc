package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** MQTT 5 Reason Strings on refusals, and Request Problem Information (3.1.2.11.7). */
class MqttReasonStringTest {

    private static final byte[] NOT_UTF8 = {(byte) 0xC3, (byte) 0x28};

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();

    private static String reasonString(MqttProperties properties) {
        MqttProperties.MqttProperty<?> reason = properties.getProperty(MqttPropertyType.REASON_STRING.value());
        return reason == null ? null : (String) reason.value();
    }

    private static MqttProperties connectProperties(MqttPropertyType type, int value) {
        return MqttTopicAliasTest.properties(type, value);
    }

    @Test
    void aDisconnectSaysWhy() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            raw.connect("why-disconnect", MqttProperties.NO_PROPERTIES);
            raw.send(MqttTopicAliasTest.publish("why/x", 0, "x"));
            MqttMessage disconnect = raw.receive();
            assertThat(disconnect.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
            MqttReasonCodeAndPropertiesVariableHeader header =
                    (MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader();
            assertThat(header.reasonCode()).isEqualTo((byte) 0x94);
            assertThat(reasonString(header.properties())).contains("topic alias 0");
        }
    }

    @Test
    void aHiveMqClientTakenOverSeesTheReasonString() {
        AtomicReference<Throwable> cause = new AtomicReference<>();
        Mqtt5BlockingClient first = MqttClient.builder().useMqttVersion5().identifier("why-same")
                .serverHost("127.0.0.1").serverPort(mqtt.port())
                .addDisconnectedListener(context -> cause.compareAndSet(null, context.getCause()))
                .buildBlocking();
        first.connect();
        Mqtt5BlockingClient second = mqtt.v5("why-same");
        await().atMost(Duration.ofSeconds(5)).until(() -> cause.get() != null);
        assertThat(cause.get()).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause.get()).getMqttMessage().getReasonString().orElseThrow()
                .toString()).contains("taken over");
        second.disconnect();
    }

    @Test
    void aRefusedConnAckSaysWhy() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            MqttConnAckMessage ack = (MqttConnAckMessage) raw.connect("why-connack",
                    connectProperties(MqttPropertyType.MAXIMUM_PACKET_SIZE, 0));
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0x82);
            assertThat(reasonString(ack.variableHeader().properties())).contains("Maximum Packet Size of 0");
        }
    }

    @Test
    void negativeAcksSayWhyUnlessTheClientAskedForNoProblemInformation() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            raw.connect("why-puback", MqttProperties.NO_PROPERTIES);
            raw.send(MqttPublishPropertiesTest.publish(1, 3, NOT_UTF8));
            MqttPubReplyMessageVariableHeader puback = (MqttPubReplyMessageVariableHeader) raw.receive()
                    .variableHeader();
            assertThat(puback.reasonCode()).isEqualTo((byte) 0x99);
            assertThat(reasonString(puback.properties())).contains("UTF-8");

            raw.send(MqttMessageBuilders.subscribe().messageId(4).addSubscription(MqttQoS.AT_MOST_ONCE, "ok/#")
                    .addSubscription(MqttQoS.AT_MOST_ONCE, "bad/#/filter")
                    .addSubscription(MqttQoS.AT_MOST_ONCE, "$share/g+/x").build());
            MqttSubAckMessage suback = (MqttSubAckMessage) raw.receive();
            assertThat(suback.payload().reasonCodes()).containsExactly(0, 0x8F, 0x8F);
            assertThat(reasonString(suback.idAndPropertiesVariableHeader().properties()))
                    .contains("'bad/#/filter'").contains("'$share/g+/x'");
        }
        try (CodecMqttClient quiet = new CodecMqttClient(mqtt.port())) {
            quiet.connect("why-quiet", connectProperties(MqttPropertyType.REQUEST_PROBLEM_INFORMATION, 0));
            quiet.send(MqttPublishPropertiesTest.publish(1, 3, NOT_UTF8));
            MqttPubReplyMessageVariableHeader puback = (MqttPubReplyMessageVariableHeader) quiet.receive()
                    .variableHeader();
            assertThat(puback.reasonCode()).isEqualTo((byte) 0x99);
            assertThat(puback.properties().isEmpty()).isTrue();
            // A DISCONNECT still says why.
            quiet.send(MqttPublishPropertiesTest.publish(0, 0, NOT_UTF8));
            MqttReasonCodeAndPropertiesVariableHeader disconnect =
                    (MqttReasonCodeAndPropertiesVariableHeader) quiet.receive().variableHeader();
            assertThat(disconnect.reasonCode()).isEqualTo((byte) 0x99);
            assertThat(reasonString(disconnect.properties())).contains("UTF-8");
        }
    }

    @Test
    void noReasonStringWhereItWouldExceedTheClientsMaximumPacketSize() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            raw.connect("why-small", connectProperties(MqttPropertyType.MAXIMUM_PACKET_SIZE, 16));
            raw.send(MqttPublishPropertiesTest.publish(1, 3, NOT_UTF8));
            MqttPubReplyMessageVariableHeader puback = (MqttPubReplyMessageVariableHeader) raw.receive()
                    .variableHeader();
            assertThat(puback.reasonCode()).isEqualTo((byte) 0x99);
            assertThat(puback.properties().isEmpty()).isTrue();
            raw.send(MqttPublishPropertiesTest.publish(0, 0, NOT_UTF8));
            MqttReasonCodeAndPropertiesVariableHeader disconnect =
                    (MqttReasonCodeAndPropertiesVariableHeader) raw.receive().variableHeader();
            assertThat(disconnect.reasonCode()).isEqualTo((byte) 0x99);
            assertThat(disconnect.properties().isEmpty()).isTrue();
        }
    }
}
