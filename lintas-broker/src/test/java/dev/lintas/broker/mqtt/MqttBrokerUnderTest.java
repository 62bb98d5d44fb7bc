package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;

import dev.lintas.broker.Broker;
import dev.lintas.broker.config.BrokerConfig;
import dev.lintas.runtime.RuntimeContext;
import dev.lintas.runtime.net.HostPort;

/** A real broker with an MQTT listener on port 0 of 127.0.0.1, on its own event loops, and clients for it. */
public final class MqttBrokerUnderTest implements AutoCloseable {

    private final RuntimeContext context = new RuntimeContext(2);
    private final Broker broker;
    private final int port;

    private MqttBrokerUnderTest(MqttSettings settings) throws Exception {
        broker = new Broker(context, settings);
        try {
            broker.start(BrokerConfig.mqttOnly(new HostPort("127.0.0.1", 0)));
        } catch (Exception e) {
            context.close();
            throw e;
        }
        port = broker.mqttAddress().getPort();
    }

    public static MqttBrokerUnderTest start() {
        return start(MqttSettings.DEFAULTS);
    }

    public static MqttBrokerUnderTest start(MqttSettings settings) {
        try {
            return new MqttBrokerUnderTest(settings);
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
