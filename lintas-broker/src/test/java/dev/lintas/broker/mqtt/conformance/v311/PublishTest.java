package dev.lintas.broker.mqtt.conformance.v311;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertClosedAfterConnect;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 3.1.1, section 3.3 PUBLISH and 3.4 PUBACK; bad input closes the connection ([MQTT-4.8.0-1]). */
class PublishTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();

    @Test
    void qos1IsAcknowledgedAndDelivered() throws Exception {
        try (RawMqttClient client = RawMqttClient.v311(port)) {
            client.connect("v311-publish");
            // [MQTT-3.8.4-1] [MQTT-3.9.3-1] SUBACK with the granted QoS.
            assertThat(client.subscribe(1, 1, "v311p/#")).containsExactly(1);
            client.send(Packets.publish(false, 1, "v311p/a", 12, "hello"));
            List<RawPacket> answers = client.readInAnyOrder(RawPacket.PUBACK, RawPacket.PUBLISH);
            // [MQTT-4.3.2-4] PUBACK with the packet id; the PUBACK body is just that id in 3.1.1.
            assertThat(answers.get(0).body()).containsExactly(0x00, 12);
            RawPacket delivered = answers.get(1);
            assertThat(delivered.topic()).isEqualTo("v311p/a");
            assertThat(delivered.qos()).isEqualTo(1);
            assertThat(delivered.publishPacketId()).isNotZero(); // [MQTT-2.3.1-1]
            assertThat(delivered.payloadText()).isEqualTo("hello");
        }
    }

    @Test
    void aWildcardInTheTopicNameCloses() throws Exception {
        // [MQTT-3.3.2-2]
        assertClosedAfterConnect(port, Packets.publish(false, 0, "a/#", 0, "x"));
    }

    @Test
    void packetIdZeroAtQos1Closes() throws Exception {
        // [MQTT-2.3.1-1]
        assertClosedAfterConnect(port, Packets.publish(false, 1, "a/b", 0, "x"));
    }

    @Test
    void qos3Closes() throws Exception {
        // [MQTT-3.3.1-4]
        assertClosedAfterConnect(port, packet(RawPacket.PUBLISH, 0x06).string("a/b").u16(1).build());
    }

    @Test
    void invalidUtf8InTheTopicNameCloses() throws Exception {
        // [MQTT-1.5.3-1]
        assertClosedAfterConnect(port, packet(RawPacket.PUBLISH, 0).binary(new byte[] {'a', (byte) 0xFE}).build());
    }

    @Test
    void aNulInTheTopicNameCloses() throws Exception {
        // [MQTT-1.5.3-2]
        assertClosedAfterConnect(port, Packets.publish(false, 0, "a\0", 0, "x"));
    }

    @Test
    void anEmptyTopicNameCloses() throws Exception {
        // [MQTT-4.7.3-1]
        assertClosedAfterConnect(port, Packets.publish(false, 0, "", 0, "x"));
    }
}
