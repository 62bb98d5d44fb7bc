package dev.lintas.broker.mqtt;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Paho v3 subscribes and Paho v5 publishes to it, both on one URL: what a transport test checks first. */
final class PahoRoundTrip {

    private PahoRoundTrip() {
    }

    /** Connects both clients to {@code uri} with the options given, and checks that v3 gets what v5 publishes. */
    static void check(String uri, String idPrefix, MqttConnectOptions options3, MqttConnectionOptions options5)
            throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        org.eclipse.paho.client.mqttv3.MqttClient v3 = new org.eclipse.paho.client.mqttv3.MqttClient(uri,
                idPrefix + "3", new MemoryPersistence());
        v3.connect(options3);
        v3.subscribe("paho/+", 1, (topic, message) -> received.add(topic + "=" + new String(message.getPayload(),
                StandardCharsets.UTF_8)));

        org.eclipse.paho.mqttv5.client.MqttClient v5 = new org.eclipse.paho.mqttv5.client.MqttClient(uri,
                idPrefix + "5", new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        v5.connect(options5);
        v5.publish("paho/five", "from v5".getBytes(StandardCharsets.UTF_8), 1, false);

        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("paho/five=from v5");
        v5.disconnect();
        v5.close();
        v3.disconnect();
        v3.close();
    }
}
