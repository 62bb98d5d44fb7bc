package dev.lintas.broker.mqtt.conformance.v5;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.conformance.PacketBuilder.Properties;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertConnectRefused;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertDisconnectedFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT 5, section 2.2.2 (properties) and the property rules of 3.1.2.11, 3.3.2.3 and 3.8.2.1: a property a packet
 * may not carry is a malformed packet (0x81), and the values the spec forbids are a protocol error (0x82).
 */
class PropertiesTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();

    private static byte[] connect(String clientId, Properties properties) {
        return Packets.connectHeader(true, Packets.CLEAN, 60, properties).string(clientId).build();
    }

    @Test
    void theUsualConnectPropertiesAreAccepted() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.send(connect("properties-ok", Properties.of().u32(0x11, 10).u16(0x21, 20).u32(0x27, 4096)
                    .u8(0x17, 1).u8(0x19, 0).userProperty("k", "v")));
            assertThat(client.read(RawPacket.CONNACK).reasonCode()).isZero();
        }
    }

    @Test
    void aServerOnlyPropertyInConnectIsMalformed() throws Exception {
        // Section 2.2.2.2: Maximum QoS (0x24) belongs in CONNACK only.
        assertConnectRefused(port, connect("properties-maxqos", Properties.of().u8(0x24, 1)), 0x81);
    }

    @Test
    void aConnectPropertyInTheWillIsMalformed() throws Exception {
        // Section 3.1.3.2: Session Expiry Interval (0x11) is not a will property.
        assertConnectRefused(port, Packets.connectHeader(true, Packets.CLEAN | 0x04, 60, Properties.of())
                .string("properties-will").properties(Properties.of().u32(0x11, 5)).string("will/t").string("x")
                .build(), 0x81);
    }

    @Test
    void receiveMaximum0IsAProtocolError() throws Exception {
        // Section 3.1.2.11.3.
        assertConnectRefused(port, connect("properties-rm0", Properties.of().u16(0x21, 0)), 0x82);
    }

    @Test
    void maximumPacketSize0IsAProtocolError() throws Exception {
        // Section 3.1.2.11.4.
        assertConnectRefused(port, connect("properties-mps0", Properties.of().u32(0x27, 0)), 0x82);
    }

    @Test
    void requestProblemInformation2IsAProtocolError() throws Exception {
        // Section 3.1.2.11.7: 0 or 1.
        assertConnectRefused(port, connect("properties-rpi2", Properties.of().u8(0x17, 2)), 0x82);
    }

    @Test
    void authenticationDataWithoutAMethodIsAProtocolError() throws Exception {
        // Section 3.1.2.11.10.
        assertConnectRefused(port, connect("properties-auth", Properties.of().binary(0x16, new byte[] {1, 2})),
                0x82);
    }

    @Test
    void aSubscriptionIdentifierInAClientPublishIsAProtocolError() throws Exception {
        // [MQTT-3.3.4-6]
        assertDisconnectedFor(port, packet(RawPacket.PUBLISH, 0).string("a/b")
                .properties(Properties.of().vbi(0x0B, 3)).build(), 0x82);
    }

    @Test
    void aConnectPropertyInPublishIsMalformed() throws Exception {
        // Section 2.2.2.2: Receive Maximum (0x21) does not belong in PUBLISH.
        assertDisconnectedFor(port, packet(RawPacket.PUBLISH, 0).string("a/b")
                .properties(Properties.of().u16(0x21, 5)).build(), 0x81);
    }

    @Test
    void subscriptionIdentifier0IsAProtocolError() throws Exception {
        // Section 3.8.2.1.2.
        assertDisconnectedFor(port, packet(RawPacket.SUBSCRIBE, 0x02).u16(1)
                .properties(Properties.of().vbi(0x0B, 0)).string("a").u8(0).build(), 0x82);
    }

    @Test
    void twoSubscriptionIdentifiersAreAProtocolError() throws Exception {
        // Section 3.8.2.1.2.
        assertDisconnectedFor(port, packet(RawPacket.SUBSCRIBE, 0x02).u16(1)
                .properties(Properties.of().vbi(0x0B, 1).vbi(0x0B, 2)).string("a").u8(0).build(), 0x82);
    }

    @Test
    void aPropertyInUnsubscribeOtherThanUserPropertyIsMalformed() throws Exception {
        // Section 3.10.2.1: UNSUBSCRIBE carries User Properties only.
        assertDisconnectedFor(port, packet(RawPacket.UNSUBSCRIBE, 0x02).u16(1)
                .properties(Properties.of().string(0x1F, "why")).string("a").build(), 0x81);
    }

    @Test
    void anUnknownPropertyIsMalformed() throws Exception {
        // Section 2.2.2.2: 0x7F is no property identifier.
        assertDisconnectedFor(port, packet(RawPacket.PUBLISH, 0).string("a/b")
                .raw((byte) 2, (byte) 0x7F, (byte) 0).build(), 0x81);
    }
}
