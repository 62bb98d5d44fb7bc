package dev.lintas.broker.mqtt.conformance.v5;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.conformance.PacketBuilder.Properties;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertDisconnectedFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** MQTT 5, section 3.14 DISCONNECT, and the will it keeps or publishes (3.1.2.5). */
class DisconnectTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();

    /** A CONNECT with a QoS 0 will to {@code willTopic}. */
    private static byte[] connectWithWill(String clientId, String willTopic) {
        return Packets.connectHeader(true, Packets.CLEAN | 0x04, 60, Properties.of())
                .string(clientId).noProperties().string(willTopic).string("will of " + clientId).build();
    }

    /**
     * A client with a will to {@code topicRoot/gone} connects and sends DISCONNECT {@code reason}, which the broker
     * answers by closing, with nothing sent back; a watcher subscribed to {@code topicRoot/#} then gets a marker
     * publish. Returns what the watcher received first: the will, or the marker if there was no will.
     */
    private static RawPacket disconnectAndWatch(String topicRoot, int reason) throws Exception {
        try (RawMqttClient watcher = RawMqttClient.v5(port)) {
            watcher.connect(topicRoot + "-watcher");
            watcher.subscribe(1, 0, topicRoot + "/#");
            try (RawMqttClient client = RawMqttClient.v5(port)) {
                client.send(connectWithWill(topicRoot, topicRoot + "/gone"));
                client.read(RawPacket.CONNACK);
                client.send(Packets.disconnect(true, reason));
                client.assertClosed();
            }
            // The session ends once the broker has cleaned the connection up, after it published any will; the
            // marker is published after that, so it cannot overtake the will.
            await().until(() -> mqtt.broker().mqtt().sessionQueue(topicRoot).isEmpty());
            watcher.send(Packets.publish(true, 0, topicRoot + "/marker", 0, "marker"));
            return watcher.read(RawPacket.PUBLISH);
        }
    }

    @Test
    void aNormalDisconnectClosesAndDiscardsTheWill() throws Exception {
        // [MQTT-3.14.4-3] no will after reason 0x00.
        assertThat(disconnectAndWatch("dnormal", 0x00).payloadText()).isEqualTo("marker");
    }

    @Test
    void disconnectWithWillMessagePublishesTheWill() throws Exception {
        // Reason 0x04, disconnect with will message: [MQTT-3.1.2-8] the will is published.
        assertThat(disconnectAndWatch("dwill", 0x04).payloadText()).isEqualTo("will of dwill");
    }

    @Test
    void reservedFlagsOfDisconnectAreMalformed() throws Exception {
        // [MQTT-3.14.1-1] reserved bits not zero: DISCONNECT 0x81.
        assertDisconnectedFor(port, packet(RawPacket.DISCONNECT, 0x08).build(), 0x81);
    }
}
