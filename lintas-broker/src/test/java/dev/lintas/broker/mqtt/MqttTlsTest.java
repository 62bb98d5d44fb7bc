package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import dev.lintas.broker.Broker;
import dev.lintas.broker.config.BrokerConfig;
import dev.lintas.broker.config.TlsListenerConfig;
import dev.lintas.runtime.net.HostPort;
import dev.lintas.runtime.net.Listeners;
import dev.lintas.runtime.testing.TestPki;
import dev.lintas.runtime.tls.ClientAuthPolicy;
import dev.lintas.runtime.tls.TlsSettings;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * MQTT over TLS and over secure WebSocket: HiveMQ and Paho (v3 and v5) clients that trust a CA made at test time
 * publish and subscribe through the TLS listeners and the plain one of the same broker; a plain-text client on a TLS
 * port is closed while the others go on; {@code client-auth: require} lets in only clients with a certificate from the
 * client CA.
 */
class MqttTlsTest {

    private static final HostPort LOCAL_PORT_0 = new HostPort("127.0.0.1", 0);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private final List<MqttBrokerUnderTest> brokers = new ArrayList<>();

    @BeforeAll
    static void makePki() throws Exception {
        pki = TestPki.writeTo(dir);
    }

    @AfterEach
    void stop() {
        brokers.forEach(MqttBrokerUnderTest::close);
    }

    private Broker start(TlsSettings tls) {
        TlsListenerConfig listener = new TlsListenerConfig(LOCAL_PORT_0, null, tls);
        MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(BrokerConfig.mqttOnly(LOCAL_PORT_0)
                .withTls(listener, listener));
        brokers.add(mqtt);
        assertThat(mqtt.context().listeners().all()).allMatch(Listeners.Entry::isUp)
                .extracting(Listeners.Entry::name)
                .containsExactly(Broker.MQTT_LISTENER, Broker.MQTT_TLS_LISTENER, Broker.MQTT_WEBSOCKET_TLS_LISTENER);
        return mqtt.broker();
    }

    private Broker start() {
        return start(TlsSettings.of(pki.serverCert(), pki.serverKey()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A v5 client builder for {@code address} over TLS, trusting the test CA and presenting {@code keys} if any. */
    private static Mqtt5ClientBuilder tlsV5(String id, InetSocketAddress address, KeyManagerFactory keys) {
        return MqttClient.builder().useMqttVersion5().identifier(id)
                .serverHost("127.0.0.1").serverPort(address.getPort())
                .sslConfig().trustManagerFactory(pki.trust()).keyManagerFactory(keys).applySslConfig();
    }

    @Test
    void hiveMqV5AndV3OverTlsTalkToAPlainClient() throws Exception {
        Broker broker = start();
        InetSocketAddress tls = broker.mqttTlsAddress();
        Mqtt5BlockingClient v5 = tlsV5("tls5", tls, null).buildBlocking();
        v5.connect();
        Mqtt3BlockingClient v3 = MqttClient.builder().useMqttVersion3().identifier("tls3")
                .serverHost("127.0.0.1").serverPort(tls.getPort())
                .sslConfig().trustManagerFactory(pki.trust()).applySslConfig().buildBlocking();
        v3.connect();
        Mqtt5BlockingClient plain = MqttClient.builder().useMqttVersion5().identifier("plain")
                .serverHost("127.0.0.1").serverPort(broker.mqttAddress().getPort()).buildBlocking();
        plain.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes got5 = v5.publishes(MqttGlobalPublishFilter.ALL);
                Mqtt5BlockingClient.Mqtt5Publishes gotPlain = plain.publishes(MqttGlobalPublishFilter.ALL)) {
            v5.subscribeWith().topicFilter("tls/#").qos(MqttQos.EXACTLY_ONCE).send();
            plain.subscribeWith().topicFilter("tls/#").qos(MqttQos.AT_LEAST_ONCE).send();

            byte[] big = new byte[100_000]; // Several TLS records.
            big[99_999] = 9;
            v3.publishWith().topic("tls/big").qos(MqttQos.EXACTLY_ONCE).payload(big).send();
            assertThat(got5.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()).isEqualTo(big);
            assertThat(gotPlain.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()).isEqualTo(big);

            plain.publishWith().topic("tls/back").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("plain")).send();
            assertThat(got5.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())
                    .isEqualTo(bytes("plain"));
        }
        assertThat(broker.connections()).isEqualTo(3);
        v5.disconnect();
        v3.disconnect();
        plain.disconnect();
        await().until(() -> broker.connections() == 0);
    }

    @Test
    void pahoV3AndV5ConnectWithSslUrls() throws Exception {
        Broker broker = start();
        MqttConnectOptions options3 = new MqttConnectOptions();
        options3.setSocketFactory(pki.clientContext(null).getSocketFactory());
        MqttConnectionOptions options5 = new MqttConnectionOptions();
        options5.setSocketFactory(pki.clientContext(null).getSocketFactory());
        PahoRoundTrip.check("ssl://127.0.0.1:" + broker.mqttTlsAddress().getPort(), "paho-tls", options3, options5);
    }

    @Test
    void hiveMqOverSecureWebSocketTalksToATlsClient() throws Exception {
        Broker broker = start();
        Mqtt5BlockingClient wss = MqttClient.builder().useMqttVersion5().identifier("wss")
                .serverHost("127.0.0.1").serverPort(broker.mqttWebSocketTlsAddress().getPort())
                .sslConfig().trustManagerFactory(pki.trust()).applySslConfig()
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig()
                .buildBlocking();
        wss.connect();
        Mqtt5BlockingClient tls = tlsV5("tls", broker.mqttTlsAddress(), null).buildBlocking();
        tls.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes got = wss.publishes(MqttGlobalPublishFilter.ALL)) {
            wss.subscribeWith().topicFilter("wss/+").qos(MqttQos.AT_LEAST_ONCE).send();
            tls.publishWith().topic("wss/hello").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("over tls")).send();

            assertThat(got.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())
                    .isEqualTo(bytes("over tls"));
        }
        wss.disconnect();
        tls.disconnect();
        await().until(() -> broker.connections() == 0);
    }

    @Test
    void aPlainTextClientOnATlsPortIsClosedAndOthersGoOn() throws Exception {
        Broker broker = start();
        Mqtt5BlockingClient tls = tlsV5("stays", broker.mqttTlsAddress(), null).buildBlocking();
        tls.connect();
        // CONNECT 3.1.1, clean session, keep-alive 60, client id "p".
        byte[] connect = {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 1, 'p'};
        for (InetSocketAddress port : List.of(broker.mqttTlsAddress(), broker.mqttWebSocketTlsAddress())) {
            try (Socket plain = new Socket(port.getAddress(), port.getPort())) {
                plain.setSoTimeout(10_000);
                OutputStream out = plain.getOutputStream();
                out.write(connect);
                out.flush();
                InputStream in = plain.getInputStream();
                // No CONNACK (0x20): at most a TLS alert record (0x15), and then the close.
                byte[] answer = in.readAllBytes();
                assertThat(answer.length == 0 || answer[0] == 0x15).as("answer %s", Arrays.toString(answer)).isTrue();
            }
        }
        try (Mqtt5BlockingClient.Mqtt5Publishes got = tls.publishes(MqttGlobalPublishFilter.ALL)) {
            tls.subscribeWith().topicFilter("still").send();
            tls.publishWith().topic("still").payload(bytes("here")).send();
            assertThat(got.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()).isEqualTo(bytes("here"));
        }
        await().until(() -> broker.connections() == 1);
        tls.disconnect();
    }

    @Test
    void clientAuthRequireRefusesClientsWithoutACertificateFromTheClientCa() throws Exception {
        Broker broker = start(new TlsSettings(pki.serverCert(), pki.serverKey(), pki.caFile(),
                ClientAuthPolicy.REQUIRE, TlsSettings.DEFAULT_PROTOCOLS));
        InetSocketAddress address = broker.mqttTlsAddress();

        Mqtt5BlockingClient without = tlsV5("without", address, null).buildBlocking();
        assertThatThrownBy(without::connect).isInstanceOf(RuntimeException.class);
        Mqtt5BlockingClient stranger = tlsV5("stranger", address, pki.strangerKeys()).buildBlocking();
        assertThatThrownBy(stranger::connect).isInstanceOf(RuntimeException.class);

        Mqtt5BlockingClient with = tlsV5("with", address, pki.clientKeys()).buildBlocking();
        with.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes got = with.publishes(MqttGlobalPublishFilter.ALL)) {
            with.subscribeWith().topicFilter("mine").send();
            with.publishWith().topic("mine").payload(bytes("ok")).send();
            assertThat(got.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()).isEqualTo(bytes("ok"));
        }
        assertThat(broker.connections()).isEqualTo(1);
        with.disconnect();
    }

    @Test
    void clientAuthOptionalLetsInClientsWithAndWithoutACertificate() throws Exception {
        Broker broker = start(new TlsSettings(pki.serverCert(), pki.serverKey(), pki.caFile(),
                ClientAuthPolicy.OPTIONAL, TlsSettings.DEFAULT_PROTOCOLS));
        InetSocketAddress address = broker.mqttTlsAddress();

        Mqtt5BlockingClient without = tlsV5("without", address, null).buildBlocking();
        without.connect();
        Mqtt5BlockingClient with = tlsV5("with", address, pki.clientKeys()).buildBlocking();
        with.connect();
        // The server names the CAs it accepts; the JDK's client then sends no certificate of another CA.
        Mqtt5BlockingClient stranger = tlsV5("stranger", address, pki.strangerKeys()).buildBlocking();
        stranger.connect();

        assertThat(broker.connections()).isEqualTo(3);
        without.disconnect();
        with.disconnect();
        stranger.disconnect();
    }
}
