package dev.lintas.broker.mqtt.conformance.v5;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.conformance.PacketBuilder.Properties;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertDisconnectedFor;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5, section 3.3 PUBLISH and 3.4 PUBACK, and the topic name rules of 4.7 that PUBLISH is held to. */
class PublishTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();

    @Test
    void qos0IsDeliveredWithoutPacketIdOrDup() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("publish-qos0");
            client.subscribe(1, 0, "p0/#");
            client.send(Packets.publish(true, 0, "p0/a", 0, "zero"));
            RawPacket delivered = client.read(RawPacket.PUBLISH);
            // [MQTT-4.3.1-1] [MQTT-3.3.1-2] QoS 0, DUP 0; [MQTT-3.3.2-3] the topic matches the filter.
            assertThat(delivered.qos()).isZero();
            assertThat(delivered.dup()).isFalse();
            assertThat(delivered.topic()).isEqualTo("p0/a");
            assertThat(delivered.payloadText()).isEqualTo("zero");
        }
    }

    @Test
    void qos1IsAcknowledgedWithItsPacketIdAndDeliveredWithAnotherOne() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("publish-qos1");
            client.subscribe(1, 1, "p1/#");
            client.send(Packets.publish(true, 1, "p1/a", 77, "one"));
            List<RawPacket> answers = client.readInAnyOrder(RawPacket.PUBACK, RawPacket.PUBLISH);
            RawPacket delivered = answers.get(1);
            // [MQTT-4.3.2-4] [MQTT-2.2.1-5] PUBACK with the PUBLISH's packet id.
            assertThat(answers.get(0).packetId()).isEqualTo(77);
            // [MQTT-2.2.1-4] [MQTT-4.3.2-2] a non-zero packet id, QoS 1, DUP 0.
            assertThat(delivered.qos()).isEqualTo(1);
            assertThat(delivered.publishPacketId()).isNotZero();
            assertThat(delivered.dup()).isFalse();
            client.send(Packets.pubAck(delivered.publishPacketId()));
        }
    }

    @Test
    void deliveryQosIsTheMinimumOfPublishedAndGranted() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("publish-min-qos");
            client.subscribe(1, 0, "pmin/#");
            client.send(Packets.publish(true, 1, "pmin/a", 5, "low"));
            // [MQTT-3.8.4-8]
            assertThat(client.readInAnyOrder(RawPacket.PUBLISH, RawPacket.PUBACK).get(0).qos()).isZero();
        }
    }

    @Test
    void aRetainedMessageGoesToLaterSubscribers() throws Exception {
        try (RawMqttClient publisher = RawMqttClient.v5(port)) {
            publisher.connect("publish-retainer");
            publisher.send(packet(RawPacket.PUBLISH, 0x03).string("pret/a").u16(9).noProperties()
                    .raw("kept".getBytes()).build());
            assertThat(publisher.read(RawPacket.PUBACK).packetId()).isEqualTo(9);
        }
        try (RawMqttClient subscriber = RawMqttClient.v5(port)) {
            subscriber.connect("publish-retained-reader");
            subscriber.subscribe(1, 0, "pret/#");
            // [MQTT-3.3.1-5] stored; [MQTT-3.3.1-9] retain handling 0 sends it on subscribe, retain flag set.
            RawPacket retained = subscriber.read(RawPacket.PUBLISH);
            assertThat(retained.retain()).isTrue();
            assertThat(retained.payloadText()).isEqualTo("kept");
        }
    }

    @Test
    void aPlusWildcardInTheTopicNameIsInvalid() throws Exception {
        assertDisconnectedFor(port, Packets.publish(true, 0, "a/+/c", 0, "x"), 0x90);
    }

    @Test
    void aHashWildcardInTheTopicNameIsInvalid() throws Exception {
        // [MQTT-3.3.2-2] [MQTT-4.7.0-1] Topic Name invalid (0x90).
        assertDisconnectedFor(port, Packets.publish(true, 1, "a/#", 3, "x"), 0x90);
    }

    @Test
    void anEmptyTopicNameWithoutTopicAliasIsAProtocolError() throws Exception {
        // [MQTT-4.7.3-1]; section 3.3.2.1: a zero-length topic with no Topic Alias is a Protocol Error.
        assertDisconnectedFor(port, Packets.publish(true, 0, "", 0, "x"), 0x82);
    }

    @Test
    void packetIdZeroAtQos1IsAProtocolError() throws Exception {
        // [MQTT-2.2.1-3] a QoS 1 PUBLISH carries a non-zero packet id.
        assertDisconnectedFor(port, Packets.publish(true, 1, "a/b", 0, "x"), 0x82);
    }

    @Test
    void qos3IsMalformed() throws Exception {
        // [MQTT-3.3.1-4] both QoS bits set: Malformed Packet.
        assertDisconnectedFor(port, packet(RawPacket.PUBLISH, 0x06).string("a/b").u16(1).noProperties().build(), 0x81);
    }

    @Test
    void invalidUtf8InTheTopicNameIsMalformed() throws Exception {
        // [MQTT-3.3.2-1] [MQTT-1.5.4-1] an overlong encoding of '/' is not well-formed UTF-8.
        assertDisconnectedFor(port, packet(RawPacket.PUBLISH, 0).binary(new byte[] {'a', (byte) 0xC0, (byte) 0xAF, 'b'})
                .noProperties().build(), 0x81);
    }

    @Test
    void anEncodedSurrogateInTheTopicNameIsMalformed() throws Exception {
        // [MQTT-1.5.4-1] code points U+D800 to U+DFFF must not be encoded.
        assertDisconnectedFor(port, packet(RawPacket.PUBLISH, 0).binary(new byte[] {'a', (byte) 0xED, (byte) 0xA0,
            (byte) 0x80}).noProperties().build(), 0x81);
    }

    @Test
    void aNulInTheTopicNameIsMalformed() throws Exception {
        // [MQTT-1.5.4-2] [MQTT-4.7.3-2]
        assertDisconnectedFor(port, Packets.publish(true, 0, "a\0b", 0, "x"), 0x81);
    }

    @Test
    void aWildcardInTheResponseTopicIsAProtocolError() throws Exception {
        // [MQTT-3.3.2-14] the Response Topic MUST NOT contain wildcards; it parses, so it is a Protocol Error.
        assertDisconnectedFor(port, packet(RawPacket.PUBLISH, 0x02).string("a/b").u16(1)
                .properties(Properties.of().string(0x08, "re/#")).raw((byte) 'x').build(), 0x82);
    }
}
