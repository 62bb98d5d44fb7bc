package dev.lintas.broker.mqtt.conformance.v5;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertDisconnectedFor;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5, section 3.10 UNSUBSCRIBE and 3.11 UNSUBACK. */
class UnsubscribeTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();

    @Test
    void unsubAckHasThePacketIdAndOneCodePerFilterInOrder() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("unsubscribe-ok");
            client.send(Packets.subscribe(true, 1, 1, "u/a", "u/+/b"));
            client.read(RawPacket.SUBACK);
            client.send(Packets.unsubscribe(true, 999, "u/+/b", "u/none", "u/a"));
            RawPacket unsubAck = client.read(RawPacket.UNSUBACK);
            // [MQTT-3.10.4-4] [MQTT-3.10.4-5] same packet id; [MQTT-3.11.3-1] codes in filter order:
            // 0x00 success, 0x11 no subscription existed; [MQTT-3.10.4-1] filters compared character by character.
            assertThat(unsubAck.packetId()).isEqualTo(999);
            assertThat(unsubAck.reasonCodes()).containsExactly(0x00, 0x11, 0x00);
        }
    }

    @Test
    void anUnsubscribedFilterGetsNoMoreMessages() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("unsubscribe-stop");
            client.subscribe(1, 0, "ustop/a");
            client.subscribe(2, 0, "ustop/b");
            client.send(Packets.unsubscribe(true, 3, "ustop/a"));
            client.read(RawPacket.UNSUBACK);
            // [MQTT-3.10.4-2]: only the message to the remaining filter arrives.
            client.send(Packets.publish(true, 0, "ustop/a", 0, "dropped"),
                    Packets.publish(true, 0, "ustop/b", 0, "kept"));
            assertThat(client.read(RawPacket.PUBLISH).payloadText()).isEqualTo("kept");
        }
    }

    @Test
    void anUnsubscribeWithoutFiltersIsAProtocolError() throws Exception {
        // [MQTT-3.10.3-2] at least one Topic Filter.
        assertDisconnectedFor(port, packet(RawPacket.UNSUBSCRIBE, 0x02).u16(1).noProperties().build(), 0x82);
    }

    @Test
    void reservedFixedHeaderFlagsOfUnsubscribeAreMalformed() throws Exception {
        // [MQTT-3.10.1-1] the flags must be 0010.
        assertDisconnectedFor(port, packet(RawPacket.UNSUBSCRIBE, 0x0A).u16(1).noProperties().string("a").build(),
                0x81);
    }

    @Test
    void packetIdZeroIsAProtocolError() throws Exception {
        // [MQTT-2.2.1-3]
        assertDisconnectedFor(port, Packets.unsubscribe(true, 0, "a"), 0x82);
    }
}
