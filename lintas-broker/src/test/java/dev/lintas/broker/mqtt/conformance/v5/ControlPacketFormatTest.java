package dev.lintas.broker.mqtt.conformance.v5;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.MqttSettings;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertConnectRefused;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertDisconnectedFor;

/**
 * MQTT 5, section 2 (the fixed header: packet types, flags, Remaining Length) and section 4.13 (handling errors):
 * packets that no handler could make sense of, oversize and truncated ones.
 */
class ControlPacketFormatTest {

    /** The largest packet the small broker accepts. */
    private static final int MAX_PACKET_SIZE = 256;

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();
    @AutoClose
    private static final MqttBrokerUnderTest small = MqttBrokerUnderTest.start(
            MqttSettings.DEFAULTS.withMaxPacketSize(MAX_PACKET_SIZE));

    @Test
    void aRemainingLengthOfMoreThanFourBytesIsMalformed() throws Exception {
        // Section 2.1.4: the Remaining Length is a Variable Byte Integer of at most four bytes (1.5.5).
        assertDisconnectedFor(port, new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}, 0x81);
    }

    @Test
    void aRemainingLengthOfMoreThanFourBytesBeforeConnectCloses() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.send(new byte[] {0x10, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});
            // [MQTT-4.13.1-1]; no CONNACK, since the broker cannot know which protocol level the client speaks.
            client.assertClosed();
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void aRemainingLengthInMoreBytesThanNeededIsMalformed() throws Exception {
        // [MQTT-1.5.5-1] 0 must be encoded in one byte, not as 0x80 0x00.
        assertDisconnectedFor(port, new byte[] {(byte) 0xC0, (byte) 0x80, 0x00}, 0x81);
    }

    @Test
    void reservedPacketType0IsMalformed() throws Exception {
        // Section 2.1.2: packet type 0 is reserved.
        assertDisconnectedFor(port, new byte[] {0x00, 0x00}, 0x81);
    }

    @Test
    void reservedFlagsOfPubAckAreMalformed() throws Exception {
        // [MQTT-2.1.3-1]
        assertDisconnectedFor(port, packet(RawPacket.PUBACK, 0x02).u16(1).build(), 0x81);
    }

    @Test
    void aServerToClientPacketFromTheClientIsAProtocolError() throws Exception {
        // Section 2.1.2: CONNACK flows from server to client only.
        assertDisconnectedFor(port, packet(RawPacket.CONNACK, 0).u8(0).u8(0).noProperties().build(), 0x82);
    }

    @Test
    void authWithoutAnAuthenticationMethodIsAProtocolError() throws Exception {
        // [MQTT-4.12.0-7] no Authentication Method in CONNECT: no AUTH.
        assertDisconnectedFor(port, packet(RawPacket.AUTH, 0).u8(0x18).noProperties().build(), 0x82);
    }

    @Test
    void anOversizePublishIsTooLarge() throws Exception {
        byte[] payload = new byte[MAX_PACKET_SIZE];
        Arrays.fill(payload, (byte) 'x');
        // Section 3.1.2.11.4 / 4.13: a packet over the server's limit gets 0x95 (Packet too large).
        assertDisconnectedFor(small.port(), Packets.publish(true, 0, "big", 0, new String(payload)), 0x95);
    }

    @Test
    void anOversizeRemainingLengthIsRefusedBeforeTheBodyArrives() throws Exception {
        // The Remaining Length says 2 MB; only the topic follows. The broker does not wait for the rest.
        byte[] twoMegabytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        assertDisconnectedFor(small.port(), packet(RawPacket.PUBLISH, 0).raw(twoMegabytes)
                .string("big").noProperties().build(), 0x95);
    }

    @Test
    void anOversizeConnectIsTooLarge() throws Exception {
        assertConnectRefused(small.port(), Packets.connect(true, "c".repeat(MAX_PACKET_SIZE)), 0x95);
    }

    @Test
    void aTruncatedPacketThenEndOfStreamClosesOnlyThatConnection() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("truncated-half-close");
            byte[] publish = Packets.publish(true, 1, "cut/short", 1, "payload");
            client.send(Arrays.copyOf(publish, publish.length - 3));
            client.shutdownOutput();
            client.assertClosed();
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void aTruncatedPacketThenACloseDisturbsNoOne() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("truncated-close");
            byte[] subscribe = Packets.subscribe(true, 3, 1, "cut/#");
            client.send(Arrays.copyOf(subscribe, 4));
        }
        RawMqttClient.assertServing(port);
    }
}
