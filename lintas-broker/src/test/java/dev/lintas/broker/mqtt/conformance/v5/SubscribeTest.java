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

/** MQTT 5, section 3.8 SUBSCRIBE and 3.9 SUBACK, with the topic filter rules of 4.7. */
class SubscribeTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();

    @Test
    void subAckHasThePacketIdAndOneCodePerFilterInOrder() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("subscribe-ok");
            client.send(packet(RawPacket.SUBSCRIBE, 0x02).u16(4242).noProperties()
                    .string("s/one").u8(0)
                    .string("s/+/two").u8(1)
                    .string("s/bad#").u8(1)
                    .string("s/#").u8(1).build());
            RawPacket subAck = client.read(RawPacket.SUBACK);
            // [MQTT-3.8.4-1] [MQTT-3.8.4-2] same packet id; [MQTT-3.8.4-6] [MQTT-3.9.3-1] one code each, in order;
            // [MQTT-4.7.1-1] '#' not alone in its level: Topic Filter invalid (0x8F).
            assertThat(subAck.packetId()).isEqualTo(4242);
            assertThat(subAck.reasonCodes()).containsExactly(0x00, 0x01, 0x8F, 0x01);
        }
    }

    @Test
    void aPlusThatIsNotAWholeLevelIsAnInvalidFilter() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("subscribe-plus");
            client.send(Packets.subscribe(true, 7, 0, "a/b+"));
            // [MQTT-4.7.1-2]
            assertThat(client.read(RawPacket.SUBACK).reasonCodes()).containsExactly(0x8F);
        }
    }

    @Test
    void aSubscribeWithoutFiltersIsAProtocolError() throws Exception {
        // [MQTT-3.8.3-2] at least one Topic Filter.
        assertDisconnectedFor(port, packet(RawPacket.SUBSCRIBE, 0x02).u16(1).noProperties().build(), 0x82);
    }

    @Test
    void reservedFixedHeaderFlagsOfSubscribeAreMalformed() throws Exception {
        // [MQTT-3.8.1-1] the flags must be 0010.
        assertDisconnectedFor(port, packet(RawPacket.SUBSCRIBE, 0x00).u16(1).noProperties().string("a").u8(0).build(),
                0x81);
    }

    @Test
    void reservedBitsOfTheSubscriptionOptionsAreMalformed() throws Exception {
        // [MQTT-3.8.3-5] bits 6 and 7 are reserved; the second filter has bit 7 set.
        assertDisconnectedFor(port, packet(RawPacket.SUBSCRIBE, 0x02).u16(1).noProperties()
                .string("a").u8(0x01).string("b").u8(0x81).build(), 0x81);
    }

    @Test
    void requestedQos3IsMalformed() throws Exception {
        // Section 3.8.3.1: a QoS of 3 is a Malformed Packet.
        assertDisconnectedFor(port, Packets.subscribe(true, 1, 0x03, "a"), 0x81);
    }

    @Test
    void retainHandling3IsAProtocolError() throws Exception {
        // Section 3.8.3.1: a Retain Handling of 3 is a Protocol Error.
        assertDisconnectedFor(port, Packets.subscribe(true, 1, 0x30, "a"), 0x82);
    }

    @Test
    void packetIdZeroIsAProtocolError() throws Exception {
        // [MQTT-2.2.1-3]
        assertDisconnectedFor(port, Packets.subscribe(true, 0, 0, "a"), 0x82);
    }

    @Test
    void invalidUtf8InAFilterIsMalformed() throws Exception {
        // [MQTT-3.8.3-1] [MQTT-1.5.4-1]
        assertDisconnectedFor(port, packet(RawPacket.SUBSCRIBE, 0x02).u16(1).noProperties()
                .binary(new byte[] {'a', (byte) 0xFF}).u8(0).build(), 0x81);
    }
}
