package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import dev.lintas.broker.auth.AuthConfig;
import dev.lintas.broker.auth.Authenticator;
import dev.lintas.broker.auth.PasswordHash;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.VirtualHost;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateHandler;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Users and passwords ({@code broker.users}, {@code broker.allow-anonymous}) with HiveMQ's and Paho's clients. */
class MqttAuthTest {

    private static final AuthConfig.User ALICE = new AuthConfig.User("alice",
            PasswordHash.create("wonderland".toCharArray(), 1000, new SecureRandom()));
    private static final AuthConfig USERS = new AuthConfig(List.of(ALICE), false);

    /** A broker for handlers on an embedded channel, with no listener. */
    private static MqttBroker embeddedBroker(Authenticator authenticator) {
        return new MqttBroker(new VirtualHost("/", System::currentTimeMillis, QueueJournal.NONE),
                System::currentTimeMillis, MqttSettings.DEFAULTS, new MqttDrops(QueueJournal.NONE), authenticator);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hiveMqV5AuthenticatesAndBadOrMissingCredentialsGet0x86Or0x87() {
        try (MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(MqttSettings.DEFAULTS, USERS)) {
            Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("h5")
                    .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
            client.connectWith().simpleAuth().username("alice").password(bytes("wonderland")).applySimpleAuth()
                    .send();
            assertThat(client.getState().isConnected()).isTrue();
            client.disconnect();

            Mqtt5ConnAckException bad = catchThrowableOfType(Mqtt5ConnAckException.class, () -> client.connectWith()
                    .simpleAuth().username("alice").password(bytes("looking-glass")).applySimpleAuth().send());
            assertThat(bad.getMqttMessage().getReasonCode())
                    .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
            Mqtt5ConnAckException unknown = catchThrowableOfType(Mqtt5ConnAckException.class, () -> client
                    .connectWith().simpleAuth().username("bob").password(bytes("wonderland")).applySimpleAuth()
                    .send());
            assertThat(unknown.getMqttMessage().getReasonCode())
                    .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
            Mqtt5ConnAckException anonymous = catchThrowableOfType(Mqtt5ConnAckException.class, client::connect);
            assertThat(anonymous.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void hiveMqV3AuthenticatesAndBadOrMissingCredentialsGet0x04Or0x05() {
        try (MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(MqttSettings.DEFAULTS, USERS)) {
            Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier("h3")
                    .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
            client.connectWith().simpleAuth().username("alice").password(bytes("wonderland")).applySimpleAuth()
                    .send();
            assertThat(client.getState().isConnected()).isTrue();
            client.disconnect();

            Mqtt3ConnAckException bad = catchThrowableOfType(Mqtt3ConnAckException.class, () -> client.connectWith()
                    .simpleAuth().username("alice").password(bytes("nope")).applySimpleAuth().send());
            assertThat(bad.getMqttMessage().getReturnCode())
                    .isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);
            Mqtt3ConnAckException anonymous = catchThrowableOfType(Mqtt3ConnAckException.class, client::connect);
            assertThat(anonymous.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void pahoV3AndV5Authenticate() throws Exception {
        try (MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(MqttSettings.DEFAULTS, USERS)) {
            String uri = "tcp://127.0.0.1:" + mqtt.port();
            org.eclipse.paho.client.mqttv3.MqttClient v3 = new org.eclipse.paho.client.mqttv3.MqttClient(uri,
                    "paho3", new MemoryPersistence());
            MqttConnectOptions good3 = new MqttConnectOptions();
            good3.setUserName("alice");
            good3.setPassword("wonderland".toCharArray());
            v3.connect(good3);
            assertThat(v3.isConnected()).isTrue();
            v3.disconnect();
            MqttConnectOptions bad3 = new MqttConnectOptions();
            bad3.setUserName("alice");
            bad3.setPassword("wrong".toCharArray());
            org.eclipse.paho.client.mqttv3.MqttException refused3 = catchThrowableOfType(
                    org.eclipse.paho.client.mqttv3.MqttException.class, () -> v3.connect(bad3));
            assertThat(refused3.getReasonCode())
                    .isEqualTo(org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_FAILED_AUTHENTICATION);
            v3.close();

            org.eclipse.paho.mqttv5.client.MqttClient v5 = new org.eclipse.paho.mqttv5.client.MqttClient(uri,
                    "paho5", new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            MqttConnectionOptions good5 = new MqttConnectionOptions();
            good5.setUserName("alice");
            good5.setPassword(bytes("wonderland"));
            v5.connect(good5);
            assertThat(v5.isConnected()).isTrue();
            v5.disconnect();
            MqttConnectionOptions anonymous5 = new MqttConnectionOptions();
            org.eclipse.paho.mqttv5.common.MqttException refused5 = catchThrowableOfType(
                    org.eclipse.paho.mqttv5.common.MqttException.class, () -> v5.connect(anonymous5));
            assertThat(refused5.getReasonCode()).isEqualTo(0x87);
            v5.close();
        }
    }

    @Test
    void allowAnonymousLetsClientsWithoutANameInBesideTheUsers() {
        try (MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(MqttSettings.DEFAULTS,
                new AuthConfig(List.of(ALICE), true))) {
            Mqtt5BlockingClient anonymous = mqtt.v5("anonymous");
            assertThat(anonymous.getState().isConnected()).isTrue();
            anonymous.disconnect();
        }
    }

    @Test
    void whileAPasswordIsCheckedTheChannelStopsReadingAndWhatFollowsTheConnectWaitsInOrder() {
        Queue<Runnable> hashing = new ArrayDeque<>();
        MqttBroker broker = embeddedBroker(new Authenticator(USERS, hashing::add));
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(MqttInitializer.IDLE, new IdleStateHandler(0, 0, 0));
        channel.pipeline().addLast(new MqttAdmission(broker), new MqttHandler(broker));

        channel.writeInbound(MqttMessageBuilders.connect().clientId("eager").protocolVersion(MqttVersion.MQTT_3_1_1)
                .username("alice").password(bytes("wonderland")).build());
        channel.writeInbound(MqttMessageBuilders.publish().topicName("early/bird").qos(MqttQoS.AT_MOST_ONCE)
                .payload(Unpooled.copiedBuffer(bytes("before the CONNACK"))).build());
        channel.writeInbound(MqttMessage.PINGREQ);
        channel.writeInbound(MqttMessageBuilders.publish().topicName("early/bird").qos(MqttQoS.AT_LEAST_ONCE)
                .messageId(7).payload(Unpooled.copiedBuffer(bytes("last in line"))).build());
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(hashing).hasSize(1);

        hashing.poll().run();
        channel.runPendingTasks();

        MqttConnAckMessage ack = channel.readOutbound();
        assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        MqttMessage pong = channel.readOutbound();
        assertThat(pong.fixedHeader().messageType()).isEqualTo(MqttMessageType.PINGRESP);
        // Acknowledgements are flushed at the end of a read; the held packets get one too.
        MqttMessage pubAck = channel.readOutbound();
        assertThat(pubAck.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
        assertThat(((MqttMessageIdVariableHeader) pubAck.variableHeader()).messageId()).isEqualTo(7);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(broker.connectionsAdmitted()).isEqualTo(1);
        assertThat(broker.metrics().receivedCount(0)).isEqualTo(1); // The PUBLISHes were not lost.
        assertThat(broker.metrics().receivedCount(1)).isEqualTo(1);
        channel.close();
        assertThat(broker.connectionsAdmitted()).isZero();
    }

    @Test
    void aConnectionThatClosesDuringThePasswordCheckReleasesWhatWaits() {
        Queue<Runnable> hashing = new ArrayDeque<>();
        MqttBroker broker = embeddedBroker(new Authenticator(USERS, hashing::add));
        EmbeddedChannel channel = new EmbeddedChannel(new MqttAdmission(broker), new MqttHandler(broker));
        channel.writeInbound(MqttMessageBuilders.connect().clientId("gone").protocolVersion(MqttVersion.MQTT_5)
                .username("alice").password(bytes("wonderland")).build());
        MqttPublishMessage publish = MqttMessageBuilders.publish().topicName("t").qos(MqttQoS.AT_MOST_ONCE)
                .payload(Unpooled.copiedBuffer(bytes("x"))).build();
        channel.writeInbound(publish);

        channel.close();
        hashing.poll().run();
        channel.runPendingTasks();

        assertThat(publish.refCnt()).isZero();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(broker.connectionsAdmitted()).isZero();
        assertThat(broker.sessionCount()).isZero();
    }

    @Test
    void withNoUsersAnAnonymousClientFromANonLoopbackAddressIsNotAuthorized() {
        // An embedded channel's remote address is not an IP address, so it is no loopback address either.
        MqttBroker broker = embeddedBroker(new Authenticator(AuthConfig.DEFAULTS, Runnable::run));
        EmbeddedChannel channel = new EmbeddedChannel(new MqttAdmission(broker), new MqttHandler(broker));

        channel.writeInbound(MqttMessageBuilders.connect().clientId("far").protocolVersion(MqttVersion.MQTT_3_1_1)
                .build());

        MqttConnAckMessage ack = channel.readOutbound();
        assertThat(ack.variableHeader().connectReturnCode())
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        assertThat(channel.isOpen()).isFalse();
        assertThat(broker.connectionsAdmitted()).isZero();
        assertThat(broker.sessionCount()).isZero();
    }
}
