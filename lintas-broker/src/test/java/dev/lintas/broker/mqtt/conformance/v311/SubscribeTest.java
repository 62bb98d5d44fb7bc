package dev.lintas.broker.mqtt.conformance.v311;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertClosedAfterConnect;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 3.1.1, sections 3.8 to 3.11: SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK. */
class SubscribeTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();

    @Test
    void subAckHasThePacketIdAndAReturnCodePerFilter() throws Exception {
        try (RawMqttClient client = RawMqttClient.v311(port)) {
            client.connect("v311-subscribe");
            client.send(packet(RawPacket.SUBSCRIBE, 0x02).u16(300).string("a/+").u8(1).string("a/#/b").u8(0)
                    .string("b").u8(0).build());
            RawPacket subAck = client.read(RawPacket.SUBACK);
            // [MQTT-3.8.4-2] same packet id; [MQTT-3.8.4-5] one return code each, in order; 0x80 for the failure.
            assertThat(subAck.packetId()).isEqualTo(300);
            assertThat(subAck.reasonCodes()).containsExactly(0x01, 0x80, 0x00);
        }
    }

    @Test
    void unsubAckHasThePacketIdAndNoPayload() throws Exception {
        try (RawMqttClient client = RawMqttClient.v311(port)) {
            client.connect("v311-unsubscribe");
            client.subscribe(1, 0, "c/d");
            client.send(Packets.unsubscribe(false, 301, "c/d", "never/subscribed"));
            // [MQTT-3.10.4-4] [MQTT-3.10.4-5] an UNSUBACK with the packet id, even for a filter with no subscription.
            assertThat(client.read(RawPacket.UNSUBACK).body()).containsExactly(0x01, 0x2D);
        }
    }

    @Test
    void aSubscribeWithoutFiltersCloses() throws Exception {
        // [MQTT-3.8.3-3]
        assertClosedAfterConnect(port, packet(RawPacket.SUBSCRIBE, 0x02).u16(1).build());
    }

    @Test
    void reservedBitsAboveTheRequestedQosClose() throws Exception {
        // [MQTT-3-8.3-4] the upper six bits of the requested QoS byte are reserved.
        assertClosedAfterConnect(port, Packets.subscribe(false, 1, 0x04, "a"));
    }

    @Test
    void requestedQos3Closes() throws Exception {
        // [MQTT-3-8.3-4]
        assertClosedAfterConnect(port, Packets.subscribe(false, 1, 0x03, "a"));
    }

    @Test
    void reservedFixedHeaderFlagsOfSubscribeClose() throws Exception {
        // [MQTT-3.8.1-1]
        assertClosedAfterConnect(port, packet(RawPacket.SUBSCRIBE, 0x00).u16(1).string("a").u8(0).build());
    }

    @Test
    void anUnsubscribeWithoutFiltersCloses() throws Exception {
        // [MQTT-3.10.3-2]
        assertClosedAfterConnect(port, packet(RawPacket.UNSUBSCRIBE, 0x02).u16(1).build());
    }
}
