package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The MQTT meters, read the way Prometheus reads them: from the runtime registry's text. */
class MqttMetricsTest {

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();

    private String scrape() {
        return mqtt.context().metrics().scrape();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void connectionsSessionsMessagesQueuedAndRetainedAreMeasured() throws Exception {
        assertThat(scrape()).contains("lintas_broker_mqtt_connections 0.0", "lintas_broker_mqtt_sessions 0.0",
                "lintas_broker_mqtt_queued 0.0", "lintas_broker_mqtt_retained 0.0",
                "lintas_broker_mqtt_dropped_total 0.0");

        Mqtt5BlockingClient offline = MqttClient.builder().useMqttVersion5().identifier("offline")
                .serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        offline.connectWith().sessionExpiryInterval(300).send();
        offline.subscribeWith().topicFilter("m/#").qos(MqttQos.AT_LEAST_ONCE).send();
        offline.disconnect();
        Mqtt5BlockingClient subscriber = mqtt.v5("subscriber");
        Mqtt5BlockingClient publisher = mqtt.v5("publisher");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("m/#").qos(MqttQos.AT_LEAST_ONCE).send();
            publisher.publishWith().topic("m/a").qos(MqttQos.AT_MOST_ONCE).payload(bytes("0")).send();
            publisher.publishWith().topic("m/b").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("1")).send();
            publisher.publishWith().topic("m/c").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("r")).send();
            for (int i = 0; i < 3; i++) {
                assertThat(received.receive(5, TimeUnit.SECONDS)).isPresent();
            }
        }

        String text = scrape();
        assertThat(text).contains(
                "lintas_broker_mqtt_connections 2.0",
                "lintas_broker_mqtt_sessions 3.0",
                "lintas_broker_mqtt_queued 3.0", // Waiting for the offline session.
                "lintas_broker_mqtt_retained 1.0",
                "lintas_broker_mqtt_messages_received_total{qos=\"0\"} 1.0",
                "lintas_broker_mqtt_messages_received_total{qos=\"1\"} 2.0",
                "lintas_broker_mqtt_messages_received_total{qos=\"2\"} 0.0",
                "lintas_broker_mqtt_messages_sent_total{qos=\"0\"} 1.0",
                "lintas_broker_mqtt_messages_sent_total{qos=\"1\"} 2.0");

        subscriber.disconnect();
        publisher.disconnect();
        await().atMost(Duration.ofSeconds(5)).until(() -> scrape().contains("lintas_broker_mqtt_connections 0.0"));
        assertThat(scrape()).contains("lintas_broker_mqtt_sessions 1.0");
    }

    @Test
    void theMetersLeaveTheRegistryWhenTheBrokerStops() {
        mqtt.broker().stop();

        assertThat(scrape()).doesNotContain("lintas_broker_mqtt");
    }
}
