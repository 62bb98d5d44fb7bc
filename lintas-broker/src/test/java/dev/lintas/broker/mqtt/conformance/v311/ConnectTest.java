package dev.lintas.broker.mqtt.conformance.v311;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.conformance.PacketBuilder;
import dev.lintas.broker.mqtt.conformance.PacketBuilder.Properties;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertClosedAfterConnect;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertClosedFor;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 3.1.1, section 3.1 CONNECT and 3.2 CONNACK. A bad CONNECT is answered by closing the connection. */
class ConnectTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();

    /** A 3.1.1 CONNECT with {@code flags} and a keep-alive of 60 s, up to the payload. */
    private static PacketBuilder connect(int flags) {
        return Packets.connectHeader(false, flags, 60, Properties.of());
    }

    @Test
    void connectIsAcknowledgedInTwoBytes() throws Exception {
        try (RawMqttClient client = RawMqttClient.v311(port)) {
            RawPacket connAck = client.connect("v311-connect-ok");
            // [MQTT-3.2.2-1] clean session: session present 0; return code 0x00.
            assertThat(connAck.body()).containsExactly(0x00, 0x00);
        }
    }

    @Test
    void aPersistentSessionIsPresentWhenResumed() throws Exception {
        byte[] connect = connect(0).string("v311-resume").build();
        try (RawMqttClient first = RawMqttClient.v311(port)) {
            first.send(connect);
            assertThat(first.read(RawPacket.CONNACK).body()).containsExactly(0x00, 0x00);
            first.send(Packets.disconnect(false, 0));
            first.assertClosed();
        }
        try (RawMqttClient second = RawMqttClient.v311(port)) {
            second.send(connect);
            // [MQTT-3.2.2-2] session present 1.
            assertThat(second.read(RawPacket.CONNACK).body()).containsExactly(0x01, 0x00);
        }
    }

    @Test
    void anEmptyClientIdWithoutCleanSessionIsRejected() throws Exception {
        try (RawMqttClient client = RawMqttClient.v311(port)) {
            client.send(connect(0).string("").build());
            // [MQTT-3.1.3-8] return code 0x02 (identifier rejected), then the close.
            assertThat(client.read(RawPacket.CONNACK).body()).containsExactly(0x00, 0x02);
            client.assertClosed();
        }
    }

    @Test
    void aFirstPacketThatIsNotConnectCloses() throws Exception {
        // [MQTT-3.1.0-1]
        assertClosedFor(port, Packets.subscribe(false, 1, 0, "a"));
    }

    @Test
    void aSecondConnectCloses() throws Exception {
        // [MQTT-3.1.0-2]
        assertClosedAfterConnect(port, Packets.connect(false, "v311-twice-2"));
    }

    @Test
    void theReservedConnectFlagCloses() throws Exception {
        // [MQTT-3.1.2-3]
        assertClosedFor(port, connect(Packets.CLEAN | 0x01).string("v311-reserved").build());
    }

    @Test
    void willQosWithoutTheWillFlagCloses() throws Exception {
        // [MQTT-3.1.2-11] [MQTT-3.1.2-13]
        assertClosedFor(port, connect(Packets.CLEAN | 0x10).string("v311-will-qos").build());
    }

    @Test
    void willQos3Closes() throws Exception {
        // [MQTT-3.1.2-14]
        assertClosedFor(port, connect(Packets.CLEAN | 0x04 | 0x18).string("v311-will-qos3").string("will/t")
                .string("gone").build());
    }

    @Test
    void willRetainWithoutTheWillFlagCloses() throws Exception {
        // [MQTT-3.1.2-15]
        assertClosedFor(port, connect(Packets.CLEAN | 0x20).string("v311-will-retain").build());
    }

    @Test
    void aPasswordWithoutAUserNameCloses() throws Exception {
        // [MQTT-3.1.2-22]
        assertClosedFor(port, connect(Packets.CLEAN | 0x40).string("v311-password").string("secret").build());
    }

    @Test
    void invalidUtf8InTheClientIdCloses() throws Exception {
        // [MQTT-1.5.3-1]
        assertClosedFor(port, connect(Packets.CLEAN).binary(new byte[] {'x', (byte) 0xE2, (byte) 0x82}).build());
    }

    @Test
    void aWildcardInTheWillTopicCloses() throws Exception {
        // Section 3.1.3.2: the Will Topic is a topic name, and [MQTT-4.7.1-1] keeps wildcards out of those.
        assertClosedFor(port, connect(Packets.CLEAN | 0x04).string("v311-will-wildcard").string("will/+")
                .string("gone").build());
    }

    @Test
    void reservedFixedHeaderFlagsOfConnectClose() throws Exception {
        // [MQTT-2.2.2-2] of 3.1.1: the flags of CONNECT are 0000; 3.1.1 has no code for it, so no CONNACK.
        byte[] connect = Packets.connect(false, "v311-connect-flags");
        connect[0] |= 0x02;
        assertClosedFor(port, connect);
    }
}
