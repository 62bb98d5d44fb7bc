package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** MQTT 5 enhanced authentication (4.12) through the {@link MqttAuthenticator} hook, with a test challenge-response. */
class MqttEnhancedAuthTest {

    private static final String METHOD = "TEST-CHALLENGE";

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private final AtomicInteger exchanges = new AtomicInteger();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The client opens with "hello"; the broker answers with a nonce; the client must send back "nonce:secret".
     * Any other opening or answer fails.
     */
    @BeforeEach
    void registerChallengeResponse() {
        mqtt.broker().mqtt().addAuthenticator(new MqttAuthenticator() {
            @Override
            public String method() {
                return METHOD;
            }

            @Override
            public Step start(String clientId, byte[] data) {
                if (!Arrays.equals(data, bytes("hello"))) {
                    return new Failure("expected hello");
                }
                String nonce = "nonce-" + exchanges.incrementAndGet();
                return new Continue(bytes(nonce), answer -> Arrays.equals(answer, bytes(nonce + ":secret"))
                        ? new Success(bytes("welcome " + clientId)) : new Failure("wrong answer"));
            }
        });
    }

    /** HiveMQ's side of the challenge-response, with the secret it knows. */
    private static final class ClientMechanism implements Mqtt5EnhancedAuthMechanism {
        final String secret;
        final AtomicReference<String> welcome = new AtomicReference<>();
        final AtomicInteger reauthenticated = new AtomicInteger();

        ClientMechanism(String secret) {
            this.secret = secret;
        }

        @Override
        public MqttUtf8String getMethod() {
            return MqttUtf8String.of(METHOD);
        }

        @Override
        public int getTimeout() {
            return 10;
        }

        @Override
        public CompletableFuture<Void> onAuth(Mqtt5ClientConfig config, Mqtt5Connect connect,
                Mqtt5EnhancedAuthBuilder auth) {
            auth.data(bytes("hello"));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder auth) {
            auth.data(bytes("hello"));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig config, Mqtt5Auth auth,
                Mqtt5AuthBuilder answer) {
            answer.data(bytes(text(auth.getData().orElseThrow()) + ":" + secret));
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
            welcome.set(connAck.getEnhancedAuth().flatMap(auth -> auth.getData()).map(MqttEnhancedAuthTest::text)
                    .orElse(null));
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
            reauthenticated.incrementAndGet();
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
        }

        @Override
        public void onReAuthRejected(Mqtt5ClientConfig config, Mqtt5Disconnect disconnect) {
        }

        @Override
        public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {
        }

        @Override
        public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {
        }
    }

    private Mqtt5BlockingClient client(String id, ClientMechanism mechanism) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(mqtt.port())
                .enhancedAuth(mechanism).buildBlocking();
    }

    @Test
    void aChallengeResponseExchangeConnectsAndReauthenticates() throws Exception {
        ClientMechanism mechanism = new ClientMechanism("secret");
        Mqtt5BlockingClient client = client("auth-ok", mechanism);
        Mqtt5ConnAck ack = client.connect();
        assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(ack.getEnhancedAuth().orElseThrow().getMethod().toString()).isEqualTo(METHOD);
        assertThat(mechanism.welcome.get()).isEqualTo("welcome auth-ok");

        client.reauth();
        await().until(() -> mechanism.reauthenticated.get() == 1);
        assertThat(exchanges.get()).isEqualTo(2);
        try (Mqtt5BlockingClient.Mqtt5Publishes received = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith().topicFilter("auth/#").send();
            client.publishWith().topic("auth/still-here").qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(received.receive(5, TimeUnit.SECONDS)).isPresent();
        }
        client.disconnect();
    }

    @Test
    void aWrongAnswerIsConnAck0x87() {
        Mqtt5BlockingClient client = client("auth-wrong", new ClientMechanism("guess"));
        assertThatThrownBy(client::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
    }

    @Test
    void aMethodNobodyAnswersIsConnAck0x8C() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.StringProperty(MqttPropertyType.AUTHENTICATION_METHOD.value(),
                    "SCRAM-SHA-1"));
            MqttConnAckMessage ack = (MqttConnAckMessage) raw.connect("auth-unknown", properties);
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0x8C);
            assertThat(raw.closedByBroker()).isTrue();
        }
    }

    @Test
    void onTheWireTheExchangeIsAuth0x18ThenConnAckAndAFailedReauthenticationIsDisconnect0x87() {
        try (CodecMqttClient raw = new CodecMqttClient(mqtt.port())) {
            MqttMessage challenge = raw.connect("auth-raw", auth("hello"));
            assertThat(challenge.fixedHeader().messageType()).isEqualTo(MqttMessageType.AUTH);
            MqttReasonCodeAndPropertiesVariableHeader header =
                    (MqttReasonCodeAndPropertiesVariableHeader) challenge.variableHeader();
            assertThat(header.reasonCode()).isEqualTo((byte) 0x18);
            String nonce = new String((byte[]) header.properties()
                    .getProperty(MqttPropertyType.AUTHENTICATION_DATA.value()).value(), StandardCharsets.UTF_8);
            raw.send(MqttMessageBuilders.auth().reasonCode((byte) 0x18).properties(auth(nonce + ":secret")).build());
            MqttConnAckMessage ack = (MqttConnAckMessage) raw.receive();
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
            assertThat(ack.variableHeader().properties().getProperty(MqttPropertyType.AUTHENTICATION_METHOD.value())
                    .value()).isEqualTo(METHOD);

            raw.send(MqttMessageBuilders.auth().reasonCode((byte) 0x19).properties(auth("goodbye")).build());
            assertThat(raw.disconnectReason()).isEqualTo((byte) 0x87);
        }
    }

    @Test
    void authPacketsOutOfTurnAreProtocolErrors() {
        try (CodecMqttClient plain = new CodecMqttClient(mqtt.port())) { // no method at CONNECT
            plain.connect("auth-none", MqttProperties.NO_PROPERTIES);
            plain.send(MqttMessageBuilders.auth().reasonCode((byte) 0x19).properties(auth("hello")).build());
            assertThat(plain.disconnectReason()).isEqualTo((byte) 0x82);
        }
        try (CodecMqttClient early = new CodecMqttClient(mqtt.port())) { // a PUBLISH before the exchange ends
            early.connect("auth-early", auth("hello"));
            early.send(MqttTopicAliasTest.publish("auth/x", -1, "x"));
            MqttConnAckMessage ack = (MqttConnAckMessage) early.receive();
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0x82);
            assertThat(early.closedByBroker()).isTrue();
        }
        try (CodecMqttClient reauth = new CodecMqttClient(mqtt.port())) { // 0x19 while an answer is owed
            reauth.connect("auth-twice", auth("hello"));
            reauth.send(MqttMessageBuilders.auth().reasonCode((byte) 0x19).properties(auth("hello")).build());
            MqttConnAckMessage ack = (MqttConnAckMessage) reauth.receive();
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0x82);
        }
    }

    private static MqttProperties auth(String data) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.StringProperty(MqttPropertyType.AUTHENTICATION_METHOD.value(), METHOD));
        properties.add(new MqttProperties.BinaryProperty(MqttPropertyType.AUTHENTICATION_DATA.value(), bytes(data)));
        return properties;
    }
}
