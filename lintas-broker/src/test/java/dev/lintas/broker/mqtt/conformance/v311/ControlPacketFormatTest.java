package dev.lintas.broker.mqtt.conformance.v311;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.MqttSettings;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertClosedAfterConnect;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 3.1.1, section 2 (fixed header), 3.12 PINGREQ and 4.8 (handling errors: close the connection). */
class ControlPacketFormatTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();
    @AutoClose
    private static final MqttBrokerUnderTest small = MqttBrokerUnderTest.start(
            MqttSettings.DEFAULTS.withMaxPacketSize(256));

    @Test
    void pingReqIsAnsweredWithPingResp() throws Exception {
        try (RawMqttClient client = RawMqttClient.v311(port)) {
            client.connect("v311-ping");
            client.send(Packets.pingReq());
            // [MQTT-3.12.4-1]
            assertThat(client.read(RawPacket.PINGRESP).body()).isEmpty();
        }
    }

    @Test
    void aRemainingLengthOfMoreThanFourBytesCloses() throws Exception {
        // Section 2.2.3: at most four bytes.
        assertClosedAfterConnect(port, new byte[] {(byte) 0xC0, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
            0x01});
    }

    @Test
    void reservedFlagsClose() throws Exception {
        // [MQTT-2.2.2-1] [MQTT-2.2.2-2]
        assertClosedAfterConnect(port, packet(RawPacket.PINGREQ, 0x08).build());
    }

    @Test
    void reservedPacketType15Closes() throws Exception {
        // Section 2.2.1: type 15 is reserved in 3.1.1 (MQTT 5 made it AUTH).
        assertClosedAfterConnect(port, packet(RawPacket.AUTH, 0).build());
    }

    @Test
    void aDisconnectEndsTheConnection() throws Exception {
        // Section 3.14.4: the server closes the connection.
        assertClosedAfterConnect(port, Packets.disconnect(false, 0));
    }

    @Test
    void anOversizePacketCloses() throws Exception {
        assertClosedAfterConnect(small.port(), Packets.publish(false, 0, "big", 0, "x".repeat(300)));
    }

    @Test
    void aTruncatedPacketThenEndOfStreamCloses() throws Exception {
        try (RawMqttClient client = RawMqttClient.v311(port)) {
            client.connect("v311-truncated");
            byte[] publish = Packets.publish(false, 1, "cut", 1, "payload");
            client.send(Arrays.copyOf(publish, publish.length - 2));
            client.shutdownOutput();
            client.assertClosed();
        }
        RawMqttClient.assertServing(port);
    }
}
