package dev.lintas.broker.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import dev.lintas.broker.core.SessionRegistry;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;

/** Reading a CONNECT into what it asks for, or why it is refused. */
class MqttConnectRequestTest {

    private final MqttLimits limits = new MqttLimits(MqttSettings.DEFAULTS.toBuilder().maxTopicLength(20).build());

    private static MqttProperties properties(MqttPropertyType type, int value) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(type.value(), value));
        return properties;
    }

    private static MqttMessageBuilders.ConnectBuilder v5() {
        return MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("c").cleanSession(true);
    }

    private MqttConnectRead read(MqttMessageBuilders.ConnectBuilder builder, boolean v5) {
        MqttConnectMessage msg = builder.build();
        return MqttConnectRequest.read(msg, v5, limits);
    }

    @Test
    void aV5ConnectWithoutPropertiesTakesTheDefaults() {
        MqttConnectRequest request = (MqttConnectRequest) read(v5(), true);
        assertThat(request.expiryMillis()).isZero();
        assertThat(request.receiveMaximum()).isEqualTo(65_535);
        assertThat(request.maxPacketSize()).isEqualTo(PacketSizes.UNLIMITED);
        assertThat(request.topicAliasMaximum()).isZero();
        assertThat(request.problemInformation()).isTrue();
        assertThat(request.will()).isNull();
    }

    @Test
    void v5PropertiesAreRead() {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 90));
        properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(), 10));
        properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(), 4096));
        properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(), 5));
        properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.REQUEST_PROBLEM_INFORMATION.value(), 0));
        MqttConnectRequest request = (MqttConnectRequest) read(v5().properties(properties), true);
        assertThat(request.expiryMillis()).isEqualTo(90_000);
        assertThat(request.receiveMaximum()).isEqualTo(10);
        assertThat(request.maxPacketSize()).isEqualTo(4096);
        assertThat(request.topicAliasMaximum()).isEqualTo(5);
        assertThat(request.problemInformation()).isFalse();
    }

    @Test
    void theLargestSessionExpiryMeansNever() {
        MqttConnectRequest request = (MqttConnectRequest) read(
                v5().properties(properties(MqttPropertyType.SESSION_EXPIRY_INTERVAL, 0xFFFF_FFFF)), true);
        assertThat(request.expiryMillis()).isEqualTo(SessionRegistry.NEVER);
    }

    @Test
    void aMaximumPacketSizeOfZeroIsAProtocolError() {
        MqttConnectRead read = read(v5().properties(properties(MqttPropertyType.MAXIMUM_PACKET_SIZE, 0)), true);
        assertThat(read).isEqualTo(new MqttConnectRequest.Refusal(
                MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, "CONNECT refused: Maximum Packet Size 0"));
    }

    @Test
    void a311SessionIsKeptUnlessItAsksForACleanOne() {
        MqttMessageBuilders.ConnectBuilder v311 = MqttMessageBuilders.connect()
                .protocolVersion(MqttVersion.MQTT_3_1_1).clientId("c");
        assertThat(((MqttConnectRequest) read(v311.cleanSession(true), false)).expiryMillis()).isZero();
        assertThat(((MqttConnectRequest) read(v311.cleanSession(false), false)).expiryMillis())
                .isEqualTo(SessionRegistry.NEVER);
    }

    @Test
    void aWillIsReadWithItsDelay() {
        MqttConnectRequest request = (MqttConnectRequest) read(v5().willFlag(true).willTopic("last/words")
                .willQoS(MqttQoS.AT_LEAST_ONCE).willRetain(true)
                .willMessage("bye".getBytes(StandardCharsets.UTF_8))
                .willProperties(properties(MqttPropertyType.WILL_DELAY_INTERVAL, 30)), true);
        MqttBroker.Will will = request.will();
        assertThat(will.topic()).isEqualTo("last/words");
        assertThat(will.qos()).isEqualTo(1);
        assertThat(will.retain()).isTrue();
        assertThat(will.payload()).isEqualTo("bye".getBytes(StandardCharsets.UTF_8));
        assertThat(will.delayMillis()).isEqualTo(30_000);
    }

    @Test
    void aWillTopicWithAWildcardOrOverTheLimitIsRefusedWithACodeInV5AndACloseIn311() {
        for (String topic : new String[] {"a/+", "a/#", "x".repeat(21)}) {
            assertThat(read(v5().willFlag(true).willTopic(topic).willMessage(new byte[0]), true))
                    .isEqualTo(new MqttConnectRequest.Refusal(
                            MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID,
                            "CONNECT refused: invalid will topic"));
            assertThat(read(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("c")
                    .willFlag(true).willTopic(topic).willMessage(new byte[0]), false))
                    .isEqualTo(new MqttConnectRequest.Refusal(null, "CONNECT refused: invalid will topic"));
        }
    }

    @Test
    void aWillPayloadThatIsNotTheUtf8ItClaimsIsRefused() {
        MqttConnectRead read = read(v5().willFlag(true).willTopic("t").willMessage(new byte[] {(byte) 0xC3})
                .willProperties(properties(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR, 1)), true);
        assertThat(read).isEqualTo(new MqttConnectRequest.Refusal(
                MqttConnectReturnCode.CONNECTION_REFUSED_PAYLOAD_FORMAT_INVALID,
                "CONNECT refused: will payload is not UTF-8"));
    }
}
