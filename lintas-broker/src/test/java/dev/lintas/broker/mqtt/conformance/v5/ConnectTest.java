package dev.lintas.broker.mqtt.conformance.v5;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.conformance.PacketBuilder;
import dev.lintas.broker.mqtt.conformance.PacketBuilder.Properties;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertConnectRefused;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5, section 3.1 CONNECT and 3.2 CONNACK. */
class ConnectTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();

    /** A v5 CONNECT with {@code flags}, a keep-alive of 60 s and no properties, up to the payload. */
    private static PacketBuilder connect(int flags) {
        return Packets.connectHeader(true, flags, 60, Properties.of());
    }

    @Test
    void connectIsAcknowledgedWithSuccessAndTheServerLimits() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            RawPacket connAck = client.connect("connect-ok");
            // [MQTT-3.1.4-5] CONNACK 0x00; [MQTT-3.2.2-2] clean start: session present 0.
            assertThat(connAck.sessionPresent()).isFalse();
            // [MQTT-3.2.2-9] a server that supports QoS 2 leaves Maximum QoS (0x24) out; shared subscriptions (0x2A)
            // and subscription identifiers (0x29) are available; Receive Maximum (0x21) and Maximum Packet Size (0x27)
            // are the broker's.
            assertThat(connAck.properties()).doesNotContainKey(0x24)
                    .containsEntry(0x2A, 1).containsEntry(0x29, 1).containsEntry(0x21, 1024).containsKey(0x27);
        }
    }

    @Test
    void anEmptyClientIdIsAssignedOne() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            RawPacket connAck = client.connect("");
            // [MQTT-3.1.3-6] [MQTT-3.1.3-7] [MQTT-3.2.2-16] Assigned Client Identifier (0x12).
            assertThat(connAck.properties().get(0x12)).asString().isNotEmpty();
        }
    }

    @Test
    void aResumedSessionIsPresent() throws Exception {
        byte[] connect = Packets.connectHeader(true, 0, 60, Properties.of().u32(0x11, 300))
                .string("connect-resume").build();
        try (RawMqttClient first = RawMqttClient.v5(port)) {
            first.send(connect);
            // [MQTT-3.1.2-6] no session yet: a new one, not present.
            assertThat(first.read(RawPacket.CONNACK).sessionPresent()).isFalse();
            first.send(Packets.disconnect(true, 0));
            first.assertClosed();
        }
        try (RawMqttClient second = RawMqttClient.v5(port)) {
            second.send(connect);
            // [MQTT-3.1.2-5] [MQTT-3.2.2-3] clean start 0 with session state: session present 1.
            RawPacket connAck = second.read(RawPacket.CONNACK);
            assertThat(connAck.reasonCode()).isZero();
            assertThat(connAck.sessionPresent()).isTrue();
        }
    }

    @Test
    void aFirstPacketThatIsNotConnectClosesTheConnection() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            // [MQTT-3.1.0-1]; nothing is sent back: no DISCONNECT before a CONNACK [MQTT-3.14.0-1].
            client.send(Packets.pingReq());
            client.assertClosed();
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void aSecondConnectIsAProtocolError() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("connect-twice");
            client.send(Packets.connect(true, "connect-twice"));
            // [MQTT-3.1.0-2] Protocol Error (0x82).
            client.assertDisconnected(0x82);
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void theReservedConnectFlagIsMalformed() throws Exception {
        // [MQTT-3.1.2-3] [MQTT-3.1.4-1] Malformed Packet (0x81), which a CONNACK may carry [MQTT-4.13.1-1].
        assertConnectRefused(port, connect(Packets.CLEAN | 0x01)
                .string("connect-reserved").build(), 0x81);
    }

    @Test
    void reservedFixedHeaderFlagsOfConnectAreMalformed() throws Exception {
        byte[] connect = Packets.connect(true, "connect-flags");
        connect[0] |= 0x02;
        // [MQTT-2.1.3-1]: the flags of CONNECT are reserved, 0000, and anything else is a Malformed Packet. The
        // protocol level says v5, so the CONNACK carries 0x81 [MQTT-4.13.1-1] before the close.
        assertConnectRefused(port, connect, 0x81);
    }

    @Test
    void reservedFixedHeaderFlagsOfConnectAreMalformedWhenTheLevelComesLater() throws Exception {
        byte[] connect = Packets.connect(true, "connect-flags-split");
        connect[0] |= 0x08;
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            // The fixed header alone first: the broker must wait for the protocol level before it answers.
            client.send(new byte[] {connect[0], connect[1]});
            client.send(Arrays.copyOfRange(connect, 2, connect.length));
            client.assertRefused(0x81);
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void willQosWithoutTheWillFlagIsMalformed() throws Exception {
        // [MQTT-3.1.2-11] [MQTT-3.1.2-13] Will QoS must be 0 without the Will Flag.
        assertConnectRefused(port, connect(Packets.CLEAN | 0x08)
                .string("connect-will-qos").build(), 0x81);
    }

    @Test
    void willRetainWithoutTheWillFlagIsMalformed() throws Exception {
        // [MQTT-3.1.2-15] Will Retain must be 0 without the Will Flag.
        assertConnectRefused(port, connect(Packets.CLEAN | 0x20)
                .string("connect-will-retain").build(), 0x81);
    }

    @Test
    void willQos3IsMalformed() throws Exception {
        // [MQTT-3.1.2-14] Will QoS is 0, 1 or 2; section 3.1.2.6: 3 is a Malformed Packet.
        assertConnectRefused(port, connect(Packets.CLEAN | 0x04 | 0x18)
                .string("connect-will-qos3").noProperties().string("will/topic").string("gone").build(), 0x81);
    }

    @Test
    void aWildcardInTheWillTopicIsATopicNameError() throws Exception {
        // [MQTT-3.1.3-9] the Will Topic is a topic name, so no wildcards [MQTT-4.7.0-1]: 0x90.
        assertConnectRefused(port, connect(Packets.CLEAN | 0x04)
                .string("connect-will-wildcard").noProperties().string("will/#").string("gone").build(), 0x90);
    }

    @ParameterizedTest
    @ValueSource(strings = {"re/+", "re/#", "+"})
    void aWildcardInTheWillResponseTopicIsAProtocolError(String responseTopic) throws Exception {
        // Section 3.1.3.2.6: the will's Response Topic is the Response Topic of the PUBLISH the will becomes, which
        // MUST NOT contain wildcards [MQTT-3.3.2-14]; data the protocol does not allow is a Protocol Error (0x82).
        assertConnectRefused(port, connect(Packets.CLEAN | 0x04).string("connect-will-reply")
                .properties(Properties.of().string(0x08, responseTopic)).string("will/t").string("gone").build(),
                0x82);
    }

    @Test
    void aWillResponseTopicWithoutWildcardsIsAccepted() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.send(connect(Packets.CLEAN | 0x04).string("connect-will-reply-ok")
                    .properties(Properties.of().string(0x08, "re/ply")).string("will/t").string("gone").build());
            assertThat(client.read(RawPacket.CONNACK).reasonCode()).isZero();
        }
    }

    @Test
    void invalidUtf8InTheClientIdIsMalformed() throws Exception {
        // [MQTT-1.5.4-1] [MQTT-3.1.3-4] ill-formed UTF-8: Malformed Packet.
        assertConnectRefused(port, connect(Packets.CLEAN)
                .binary(new byte[] {'i', 'd', (byte) 0xC3, 0x28}).build(), 0x81);
    }

    @Test
    void aNulInTheClientIdIsMalformed() throws Exception {
        // [MQTT-1.5.4-2] U+0000 is not allowed in a UTF-8 Encoded String.
        assertConnectRefused(port, connect(Packets.CLEAN).string("id\0nul").build(), 0x81);
    }

    @Test
    void anUnknownProtocolLevelIsRefused() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.send(packet(RawPacket.CONNECT, 0).string("MQTT").u8(6).u8(Packets.CLEAN).u16(60)
                    .noProperties().string("connect-level-6").build());
            // [MQTT-3.1.2-2] the broker cannot tell which CONNACK a level-6 client reads, so it answers in the
            // oldest form: 0x01 (unacceptable protocol version, 3.1.1), and closes.
            RawPacket connAck = client.read(RawPacket.CONNACK);
            assertThat(connAck.body()).containsExactly(0x00, 0x01);
            client.assertClosed();
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void aWrongProtocolNameIsRefused() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.send(packet(RawPacket.CONNECT, 0).string("MQXX").u8(5).u8(Packets.CLEAN).u16(60)
                    .noProperties().string("connect-name").build());
            // [MQTT-3.1.2-1] not "MQTT": refused and closed.
            RawPacket connAck = client.read(RawPacket.CONNACK);
            assertThat(connAck.body()).containsExactly(0x00, 0x01);
            client.assertClosed();
        }
        RawMqttClient.assertServing(port);
    }
}
