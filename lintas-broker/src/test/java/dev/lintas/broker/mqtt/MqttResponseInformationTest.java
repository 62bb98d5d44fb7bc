package dev.lintas.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CONNACK's Response Information (MQTT 5.0, 3.1.2.11.6 and 3.2.2.3.15), set by
 * {@code broker.mqtt.response-information}, seen and used by HiveMQ's client.
 */
class MqttResponseInformationTest {

    @AutoClose
    private final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(
            MqttSettings.DEFAULTS.withResponseInformation("responses/${client-id}/"));

    private Mqtt5BlockingClient client(String id) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(mqtt.port()).buildBlocking();
    }

    private static Mqtt5ConnAck connectAsking(Mqtt5BlockingClient client, boolean ask) {
        return client.connectWith().restrictions().requestResponseInformation(ask).applyRestrictions().send();
    }

    @Test
    void aClientThatAsksGetsTheSettingWithItsClientId() {
        Mqtt5BlockingClient client = client("asker");
        assertThat(connectAsking(client, true).getResponseInformation().orElseThrow().toString())
                .isEqualTo("responses/asker/");
        client.disconnect();
    }

    @Test
    void aClientThatDoesNotAskGetsNone() {
        // [MQTT-3.1.2-28] 0 (HiveMQ's client then leaves the property out: absent means 0).
        Mqtt5BlockingClient client = client("silent");
        assertThat(connectAsking(client, false).getResponseInformation()).isEmpty();
        client.disconnect();
    }

    @Test
    void aRequesterReceivesTheAnswerOnATopicUnderItsResponseInformation() throws Exception {
        Mqtt5BlockingClient requester = client("requester");
        String base = connectAsking(requester, true).getResponseInformation().orElseThrow().toString();
        Mqtt5BlockingClient responder = mqtt.v5("responder");
        try (Mqtt5BlockingClient.Mqtt5Publishes requests = responder.publishes(MqttGlobalPublishFilter.ALL);
                Mqtt5BlockingClient.Mqtt5Publishes answers = requester.publishes(MqttGlobalPublishFilter.ALL)) {
            responder.subscribeWith().topicFilter("service/time").qos(MqttQos.AT_LEAST_ONCE).send();
            requester.subscribeWith().topicFilter(base + "#").qos(MqttQos.AT_LEAST_ONCE).send();
            requester.publishWith().topic("service/time").qos(MqttQos.AT_LEAST_ONCE).responseTopic(base + "time")
                    .correlationData("q1".getBytes(StandardCharsets.UTF_8)).send();

            Mqtt5Publish request = requests.receive(5, TimeUnit.SECONDS).orElseThrow();
            responder.publishWith().topic(request.getResponseTopic().orElseThrow()).qos(MqttQos.AT_LEAST_ONCE)
                    .correlationData(request.getCorrelationData().orElseThrow()).payload("noon".getBytes()).send();

            Mqtt5Publish answer = answers.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(answer.getTopic().toString()).isEqualTo("responses/requester/time");
            assertThat(new String(answer.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("noon");
            assertThat(StandardCharsets.UTF_8.decode(answer.getCorrelationData().orElseThrow()).toString())
                    .isEqualTo("q1");
        }
        requester.disconnect();
        responder.disconnect();
    }
}
