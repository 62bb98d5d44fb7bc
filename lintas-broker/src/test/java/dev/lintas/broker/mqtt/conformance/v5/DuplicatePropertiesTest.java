package dev.lintas.broker.mqtt.conformance.v5;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.conformance.PacketBuilder.Properties;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT 5, the "more than once" rule of each property (sections 3.1.2.11, 3.1.3.2, 3.3.2.3, 3.4.2.2, 3.5.2.2,
 * 3.6.2.2, 3.7.2.2, 3.14.2.2, 3.15.2.2): a property that may appear once and appears twice is a Protocol Error, which
 * the broker answers with 0x82 and a close [MQTT-4.13.1-1], in CONNACK for a CONNECT. Only the User Property may
 * repeat in what a client sends (the Subscription Identifier only in what a server sends). The Reason String of each
 * refusal names the rule, so a test also sees that the duplicate, not another rule, was refused.
 */
class DuplicatePropertiesTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();

    /** A Reason String (0x1F) twice, with a User Property between them. */
    private static final Properties REASON_STRING_TWICE = Properties.of().string(0x1F, "one")
            .userProperty("k", "v").string(0x1F, "two");

    private static void assertConnectRefusedForTwice(byte[] connect) throws IOException {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.send(connect);
            assertThat(client.assertRefused(0x82).properties().get(0x1F)).asString().contains("more than once");
        }
        RawMqttClient.assertServing(port);
    }

    /** A connected client sends {@code bad}: DISCONNECT 0x82 naming the duplicate, the close, and others served. */
    private static void assertDisconnectedForTwice(String clientId, byte[] bad) throws IOException {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect(clientId);
            client.send(bad);
            assertThat(client.assertDisconnected(0x82).properties().get(0x1F)).asString()
                    .contains("more than once");
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void aConnectPropertyTwiceIsRefused() throws Exception {
        // Section 3.1.2.11.2: "It is a Protocol Error to include the Session Expiry Interval more than once."
        assertConnectRefusedForTwice(Packets.connectHeader(true, Packets.CLEAN, 60, Properties.of().u32(0x11, 10)
                .u16(0x21, 10).u32(0x11, 20)).string("twice-connect").build());
    }

    @Test
    void aWillPropertyTwiceIsRefused() throws Exception {
        // Section 3.1.3.2.2: the Will Delay Interval, once.
        assertConnectRefusedForTwice(Packets.connectHeader(true, Packets.CLEAN | 0x04, 60, Properties.of())
                .string("twice-will").properties(Properties.of().u32(0x18, 1).u32(0x18, 2)).string("will/t")
                .string("gone").build());
    }

    @Test
    void aPublishPropertyTwiceIsRefused() throws Exception {
        // Section 3.3.2.3.3: the Message Expiry Interval, once.
        assertDisconnectedForTwice("twice-publish", packet(RawPacket.PUBLISH, 0x02).string("twice/t").u16(1)
                .properties(Properties.of().u32(0x02, 60).u32(0x02, 1)).raw((byte) 'x').build());
    }

    @Test
    void aTopicAliasTwiceIsRefused() throws Exception {
        // Section 3.3.2.3.4: the Topic Alias, once; the decoder alone would keep the second.
        assertDisconnectedForTwice("twice-alias", packet(RawPacket.PUBLISH, 0).string("twice/t")
                .properties(Properties.of().u16(0x23, 1).u16(0x23, 2)).build());
    }

    @Test
    void aPubAckPropertyTwiceIsRefused() throws Exception {
        // Section 3.4.2.2.2: the Reason String, once.
        assertDisconnectedForTwice("twice-puback", packet(RawPacket.PUBACK, 0).u16(1).u8(0)
                .properties(REASON_STRING_TWICE).build());
    }

    @Test
    void aPubRecPropertyTwiceIsRefused() throws Exception {
        // Section 3.5.2.2.2.
        assertDisconnectedForTwice("twice-pubrec", packet(5, 0).u16(1).u8(0).properties(REASON_STRING_TWICE)
                .build());
    }

    @Test
    void aPubRelPropertyTwiceIsRefused() throws Exception {
        // Section 3.6.2.2.2.
        assertDisconnectedForTwice("twice-pubrel", packet(6, 0x02).u16(1).u8(0).properties(REASON_STRING_TWICE)
                .build());
    }

    @Test
    void aPubCompPropertyTwiceIsRefused() throws Exception {
        // Section 3.7.2.2.2.
        assertDisconnectedForTwice("twice-pubcomp", packet(7, 0).u16(1).u8(0).properties(REASON_STRING_TWICE)
                .build());
    }

    @Test
    void aDisconnectPropertyTwiceIsRefused() throws Exception {
        // Section 3.14.2.2.3: the Reason String, once. The client's DISCONNECT is answered with the broker's.
        assertDisconnectedForTwice("twice-disconnect", packet(RawPacket.DISCONNECT, 0).u8(0)
                .properties(REASON_STRING_TWICE).build());
    }

    @Test
    void anAuthPropertyTwiceIsRefused() throws Exception {
        // Section 3.15.2.2.2: the Authentication Method, once.
        assertDisconnectedForTwice("twice-auth", packet(RawPacket.AUTH, 0).u8(0x19)
                .properties(Properties.of().string(0x15, "m").string(0x15, "m")).build());
    }

    @Test
    void userPropertiesRepeatInEveryPacket() throws Exception {
        // Section 2.2.2.2: "The User Property is allowed to appear multiple times", also with the same name.
        Properties users = Properties.of().userProperty("k", "v").userProperty("k", "v").userProperty("k", "w");
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.send(Packets.connectHeader(true, Packets.CLEAN | 0x04, 60, users).string("twice-users")
                    .properties(users).string("will/t").string("gone").build());
            assertThat(client.read(RawPacket.CONNACK).reasonCode()).isZero();
            client.send(packet(RawPacket.SUBSCRIBE, 0x02).u16(1).properties(users).string("users/t").u8(1)
                    .build());
            assertThat(client.read(RawPacket.SUBACK).reasonCodes()).containsExactly(1);
            client.send(packet(RawPacket.PUBLISH, 0x02).string("users/t").u16(2).properties(users)
                    .raw((byte) 'x').build());
            RawPacket delivered = client.readInAnyOrder(RawPacket.PUBLISH, RawPacket.PUBACK).get(0);
            assertThat(delivered.payloadText()).isEqualTo("x");
            client.send(packet(RawPacket.PUBACK, 0).u16(delivered.publishPacketId()).u8(0).properties(users)
                    .build());
            client.send(packet(RawPacket.UNSUBSCRIBE, 0x02).u16(3).properties(users).string("users/t").build());
            assertThat(client.read(RawPacket.UNSUBACK).reasonCodes()).containsExactly(0x00);
            client.send(packet(RawPacket.DISCONNECT, 0).u8(0).properties(users).build());
            client.assertClosed();
        }
    }

    @Test
    void aDuplicateAfterAGoodPacketInOneWriteRefusesOnlyFromIt() throws Exception {
        // The SUBSCRIBE before the bad packet, in the same write, is still handled and answered.
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("twice-batch");
            client.send(Packets.subscribe(true, 1, 1, "batch/t"), packet(RawPacket.PUBLISH, 0).string("batch/t")
                    .properties(Properties.of().u8(0x01, 0).u8(0x01, 0)).build());
            assertThat(client.read(RawPacket.SUBACK).reasonCodes()).containsExactly(1);
            client.assertDisconnected(0x82);
        }
        RawMqttClient.assertServing(port);
    }
}
