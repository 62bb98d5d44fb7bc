package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;

import dev.lintas.broker.Broker;
import dev.lintas.broker.auth.AuthConfig;
import dev.lintas.broker.config.BrokerConfig;
import dev.lintas.broker.store.FsyncPolicy;
import dev.lintas.runtime.RuntimeContext;
import dev.lintas.runtime.net.HostPort;

import java.nio.file.Path;

/** A real broker with an MQTT listener on port 0 of 127.0.0.1, on its own event loops, and clients for it. */
public final class MqttBrokerUnderTest implements AutoCloseable {

    private static final HostPort LOCAL_PORT_0 = new HostPort("127.0.0.1", 0);

    private final RuntimeContext context = new RuntimeContext(2);
    private final Broker broker;
    private final int port;

    private MqttBrokerUnderTest(MqttSettings settings, AuthConfig auth, BrokerConfig config) throws Exception {
        broker = new Broker(context, settings, auth);
        try {
            broker.start(config);
        } catch (Exception e) {
            context.close();
            throw e;
        }
        port = broker.mqttAddress().getPort();
    }

    /** With an MQTT-over-WebSocket listener too, also on port 0. */
    public static MqttBrokerUnderTest startWithWebSocket() {
        try {
            return new MqttBrokerUnderTest(MqttSettings.DEFAULTS, AuthConfig.DEFAULTS,
                    BrokerConfig.mqttAndWebSocket(LOCAL_PORT_0, LOCAL_PORT_0));
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not start", e);
        }
    }

    /** With the durable store in {@code dataDir} ({@code fsync: always}): a broker started again on it restores it. */
    public static MqttBrokerUnderTest startDurable(Path dataDir) {
        try {
            return new MqttBrokerUnderTest(MqttSettings.DEFAULTS, AuthConfig.DEFAULTS, new BrokerConfig(
                    dataDir.toString(), LOCAL_PORT_0, null, null, null, MqttSettings.DEFAULTS, AuthConfig.DEFAULTS,
                    null, null, FsyncPolicy.ALWAYS));
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not start", e);
        }
    }

    /** With the listeners of {@code config}, which must include the plain MQTT one, and default settings. */
    public static MqttBrokerUnderTest start(BrokerConfig config) {
        try {
            return new MqttBrokerUnderTest(MqttSettings.DEFAULTS, AuthConfig.DEFAULTS, config);
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not start", e);
        }
    }

    public static MqttBrokerUnderTest start() {
        return start(MqttSettings.DEFAULTS);
    }

    public static MqttBrokerUnderTest start(MqttSettings settings) {
        return start(settings, AuthConfig.DEFAULTS);
    }

    public static MqttBrokerUnderTest start(MqttSettings settings, AuthConfig auth) {
        try {
            return new MqttBrokerUnderTest(settings, auth, BrokerConfig.mqttOnly(LOCAL_PORT_0));
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not start", e);
        }
    }

    /** The runtime the broker runs on, for its metrics registry. */
    RuntimeContext context() {
        return context;
    }

    public Broker broker() {
        return broker;
    }

    public int port() {
        return port;
    }

    /** A connected MQTT 5 client. */
    Mqtt5BlockingClient v5(String id) {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(id)
                .serverHost("127.0.0.1").serverPort(port).buildBlocking();
        client.connect();
        return client;
    }

    /** A connected MQTT 3.1.1 client. */
    Mqtt3BlockingClient v3(String id) {
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier(id)
                .serverHost("127.0.0.1").serverPort(port).buildBlocking();
        client.connect();
        return client;
    }

    @Override
    public void close() {
        broker.stop();
        context.close();
    }
}
