package dev.lintas.broker.mqtt;

import dev.lintas.broker.mqtt.conformance.PacketBuilder;
import dev.lintas.broker.mqtt.conformance.PacketBuilder.Properties;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link MqttFrameGuard} on an embedded channel, fed in pieces of every size from one byte up. */
class MqttFrameGuardTest {

    private static final byte[] CONNECT_V5 = Packets.connect(true, "guard");
    private static final byte[] CONNECT_V311 = Packets.connect(false, "guard");

    /** A v5 SUBSCRIBE with a property, so that the guard has properties to pass over, and {@code options}. */
    private static byte[] subscribeV5(int options) {
        return PacketBuilder.packet(RawPacket.SUBSCRIBE, 0x02).u16(7).properties(Properties.of().vbi(0x0B, 300)
                .userProperty("k", "v")).string("a/+").u8(0x01).string("b/#").u8(options).build();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Feeds {@code input} in pieces of {@code piece} bytes; returns the bytes passed on and the failed message. */
    private static Result feed(byte[] input, int piece) {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrameGuard());
        for (int at = 0; at < input.length; at += piece) {
            channel.writeInbound(Unpooled.copiedBuffer(input, at, Math.min(piece, input.length - at)));
        }
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        MqttMessage failed = null;
        for (Object out = channel.readInbound(); out != null; out = channel.readInbound()) {
            if (out instanceof ByteBuf bytes) {
                passed.writeBytes(ByteBufUtil.getBytes(bytes));
                bytes.release();
            } else {
                assertThat(failed).as("one failed message at most").isNull();
                failed = (MqttMessage) out;
            }
        }
        MqttVersion version = MqttBadInput.decoderVersion(channel);
        assertThat(channel.finishAndReleaseAll()).isFalse();
        return new Result(passed.toByteArray(), failed, version);
    }

    /** @param version the protocol level recorded for the decoder, or null */
    private record Result(byte[] passed, MqttMessage failed, MqttVersion version) {

        MqttBadInput cause() {
            assertThat(failed).as("a failed message").isNotNull();
            return (MqttBadInput) failed.decoderResult().cause();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 1000})
    void goodPacketsPassUnchanged(int piece) {
        byte[] input = concat(CONNECT_V5, subscribeV5(0x2E), Packets.publish(true, 1, "x".repeat(200), 9, "p"),
                subscribeV5(0x01), Packets.pingReq());
        Result result = feed(input, piece);
        assertThat(result.failed()).isNull();
        assertThat(result.passed()).isEqualTo(input);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 1000})
    void reservedSubscriptionOptionBitsInV5FailAfterThePacketsBefore(int piece) {
        byte[] before = concat(CONNECT_V5, subscribeV5(0x01));
        Result result = feed(concat(before, subscribeV5(0x81), Packets.pingReq()), piece);
        assertThat(result.failed().decoderResult().cause()).isInstanceOf(MqttBadInput.class)
                .hasMessageContaining("reserved bits");
        // The bytes of the bad packet that arrived in earlier pieces were passed on; none after it.
        assertThat(result.passed()).startsWith(before);
        assertThat(result.passed().length).isLessThan(before.length + subscribeV5(0x81).length);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x04, 0x40})
    void in311TheBitsAboveTheRequestedQosAreReserved(int options) {
        Result result = feed(concat(CONNECT_V311, Packets.subscribe(false, 1, options, "a")), 1000);
        assertThat(result.failed()).isNotNull();
        assertThat(result.passed()).isEqualTo(CONNECT_V311);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1000})
    void aRemainingLengthInMoreBytesThanNeededFails(int piece) {
        Result result = feed(concat(CONNECT_V5, new byte[] {(byte) 0xC0, (byte) 0x80, 0x00}), piece);
        assertThat(result.failed().decoderResult().cause()).hasMessageContaining("more bytes than needed");
        assertThat(result.passed()).startsWith(CONNECT_V5);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1000})
    void aFiveByteRemainingLengthIsLeftToTheDecoder(int piece) {
        byte[] input = concat(CONNECT_V5, new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01});
        Result result = feed(input, piece);
        assertThat(result.failed()).isNull();
        assertThat(result.passed()).isEqualTo(input);
    }

    /** Every property kind once, and the two that may repeat twice: nothing to refuse. */
    private static Properties everyKind() {
        return Properties.of().u8(0x01, 1).u32(0x02, 60).string(0x03, "text/plain").string(0x08, "re/ply")
                .binary(0x09, new byte[] {1, 2, 3}).u16(0x23, 4).userProperty("k", "v").userProperty("k", "w");
    }

    /** A v5 session whose packets carry properties of every kind, in every packet type the guard reads them in. */
    private static byte[] propertiesOfEveryPacket() {
        return concat(
                Packets.connectHeader(true, Packets.CLEAN | 0x04, 60, Properties.of().u32(0x11, 10).u16(0x21, 5)
                        .u8(0x17, 1).u8(0x19, 1).string(0x15, "m").binary(0x16, new byte[0]).u32(0x27, 1000)
                        .u16(0x22, 3).userProperty("a", "b").userProperty("a", "c"))
                        .string("guard").properties(Properties.of().u32(0x18, 5).string(0x08, "r")
                                .userProperty("x", "y").userProperty("x", "y")).string("will/t").string("w").build(),
                PacketBuilder.packet(RawPacket.PUBLISH, 0x02).string("t").u16(3).properties(everyKind())
                        .raw("payload".getBytes()).build(),
                PacketBuilder.packet(RawPacket.PUBLISH, 0).string("").properties(Properties.of().u16(0x23, 4))
                        .build(),
                PacketBuilder.packet(RawPacket.PUBACK, 0).u16(3).u8(0x10).properties(Properties.of()
                        .string(0x1F, "why").userProperty("k", "v").userProperty("k", "v")).build(),
                PacketBuilder.packet(5, 0).u16(3).u8(0).build(),
                PacketBuilder.packet(6, 0x02).u16(3).build(),
                PacketBuilder.packet(7, 0).u16(3).u8(0).noProperties().build(),
                subscribeV5(0x01),
                PacketBuilder.packet(RawPacket.UNSUBSCRIBE, 0x02).u16(8).properties(Properties.of()
                        .userProperty("k", "v").userProperty("k", "v")).string("a/+").build(),
                PacketBuilder.packet(RawPacket.AUTH, 0).u8(0x19).properties(Properties.of().string(0x15, "m")
                        .binary(0x16, new byte[] {9})).build(),
                Packets.pingReq(),
                PacketBuilder.packet(RawPacket.DISCONNECT, 0).u8(0x04).properties(Properties.of().u32(0x11, 0)
                        .string(0x1F, "bye")).build());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 1000})
    void propertiesOfEveryKindPassUnchanged(int piece) {
        byte[] input = propertiesOfEveryPacket();
        Result result = feed(input, piece);
        assertThat(result.failed()).isNull();
        assertThat(result.passed()).isEqualTo(input);
    }

    /** A packet of each kind with a property twice, after a v5 CONNECT. */
    static Stream<Arguments> duplicates() {
        Properties twice = Properties.of().string(0x1F, "a").userProperty("k", "v").string(0x1F, "b");
        return Stream.of(
                Arguments.of("PUBLISH", PacketBuilder.packet(RawPacket.PUBLISH, 0).string("t")
                        .properties(Properties.of().u32(0x02, 5).u8(0x01, 0).u32(0x02, 6)).build()),
                Arguments.of("PUBLISH", PacketBuilder.packet(RawPacket.PUBLISH, 0x04).string("t").u16(1)
                        .properties(Properties.of().string(0x08, "r").string(0x08, "r")).raw((byte) 1).build()),
                Arguments.of("PUBACK", PacketBuilder.packet(RawPacket.PUBACK, 0).u16(1).u8(0).properties(twice)
                        .build()),
                Arguments.of("PUBREC", PacketBuilder.packet(5, 0).u16(1).u8(0).properties(twice).build()),
                Arguments.of("PUBREL", PacketBuilder.packet(6, 0x02).u16(1).u8(0).properties(twice).build()),
                Arguments.of("PUBCOMP", PacketBuilder.packet(7, 0).u16(1).u8(0).properties(twice).build()),
                Arguments.of("SUBSCRIBE", PacketBuilder.packet(RawPacket.SUBSCRIBE, 0x02).u16(1)
                        .properties(twice).string("a").u8(0).build()),
                Arguments.of("UNSUBSCRIBE", PacketBuilder.packet(RawPacket.UNSUBSCRIBE, 0x02).u16(1)
                        .properties(twice).string("a").build()),
                Arguments.of("DISCONNECT", PacketBuilder.packet(RawPacket.DISCONNECT, 0).u8(0)
                        .properties(Properties.of().u32(0x11, 0).u32(0x11, 0)).build()),
                Arguments.of("AUTH", PacketBuilder.packet(RawPacket.AUTH, 0).u8(0x18)
                        .properties(Properties.of().string(0x15, "m").string(0x15, "m")).build()));
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("duplicates")
    void aPropertyTwiceIsAProtocolErrorAfterThePacketsBefore(String packet, byte[] bad) {
        byte[] before = concat(CONNECT_V5, Packets.publish(true, 1, "t", 1, "p"));
        for (int piece : new int[] {1, 4, 1000}) {
            Result result = feed(concat(before, bad, Packets.pingReq()), piece);
            assertThat(result.cause()).hasMessageStartingWith(packet + " with property")
                    .hasMessageContaining("more than once");
            assertThat(result.cause().reasonCode()).isEqualTo((byte) 0x82);
            assertThat(result.failed().fixedHeader()).isNull(); // Not a CONNECT: answered with DISCONNECT.
            assertThat(result.passed()).startsWith(before);
            assertThat(result.passed().length).isLessThan(before.length + bad.length);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1000})
    void aConnectPropertyTwiceFailsTheConnectAsV5(int piece) {
        byte[] connect = Packets.connectHeader(true, Packets.CLEAN, 60, Properties.of().u16(0x21, 5).u16(0x21, 6))
                .string("twice").build();
        Result result = feed(connect, piece);
        assertThat(result.cause()).hasMessage("CONNECT with property 0x21 more than once");
        assertThat(result.failed().fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNECT);
        assertThat(result.version()).isEqualTo(MqttVersion.MQTT_5);
        // The decoder may have had the first pieces, never the whole packet.
        assertThat(result.passed().length).isLessThan(connect.length);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1000})
    void aWillPropertyTwiceFailsTheConnect(int piece) {
        byte[] connect = Packets.connectHeader(true, Packets.CLEAN | 0x04, 60, Properties.of().u16(0x21, 5))
                .string("twice").properties(Properties.of().string(0x03, "a").string(0x03, "b")).string("will/t")
                .string("w").build();
        Result result = feed(connect, piece);
        assertThat(result.cause()).hasMessage("will of CONNECT with property 0x03 more than once");
        assertThat(result.cause().reasonCode()).isEqualTo((byte) 0x82);
        assertThat(result.version()).isEqualTo(MqttVersion.MQTT_5);
    }

    @Test
    void withoutTheWillFlagWhatFollowsTheClientIdIsNotReadAsWillProperties() {
        // A user name whose bytes would read as a property section with a duplicate, were they will properties.
        byte[] connect = Packets.connectHeader(true, Packets.CLEAN | 0x80, 60, Properties.of())
                .string("no-will").binary(new byte[] {4, 0x17, 1, 0x17, 1}).build();
        Result result = feed(connect, 1);
        assertThat(result.failed()).isNull();
        assertThat(result.passed()).isEqualTo(connect);
    }

    @Test
    void in311NothingIsReadAsProperties() {
        byte[] publish = PacketBuilder.packet(RawPacket.PUBLISH, 0).string("t")
                .raw((byte) 4, (byte) 0x17, (byte) 1, (byte) 0x17, (byte) 1).build();
        byte[] input = concat(CONNECT_V311, publish);
        Result result = feed(input, 1);
        assertThat(result.failed()).isNull();
        assertThat(result.passed()).isEqualTo(input);
    }

    @Test
    void aPropertyRunningPastItsSectionIsMalformed() {
        // A Message Expiry Interval (four bytes) in a section of three.
        byte[] publish = PacketBuilder.packet(RawPacket.PUBLISH, 0).string("t")
                .raw((byte) 3, (byte) 0x02, (byte) 0, (byte) 0, (byte) 0, (byte) 5).build();
        Result result = feed(concat(CONNECT_V5, publish), 1000);
        assertThat(result.cause()).hasMessageContaining("running past the end");
        assertThat(result.cause().reasonCode()).isEqualTo((byte) 0x81);
    }

    @Test
    void aPropertyIdentifierInTwoBytesIsMalformed() {
        // 0x81 0x00 is 1, the Payload Format Indicator, in more bytes than needed.
        byte[] publish = PacketBuilder.packet(RawPacket.PUBLISH, 0).string("t")
                .raw((byte) 3, (byte) 0x81, (byte) 0x00, (byte) 1).build();
        Result result = feed(concat(CONNECT_V5, publish), 1000);
        assertThat(result.cause()).hasMessageContaining("identifier in more than one byte");
        assertThat(result.cause().reasonCode()).isEqualTo((byte) 0x81);
    }

    @Test
    void aPropertyLengthInMoreBytesThanNeededIsMalformed() {
        byte[] publish = PacketBuilder.packet(RawPacket.PUBLISH, 0).string("t").raw((byte) 0x80, (byte) 0x00)
                .build();
        Result result = feed(concat(CONNECT_V5, publish), 1000);
        assertThat(result.cause()).hasMessageContaining("property length in more bytes than needed");
    }

    @Test
    void in311ARemainingLengthInMoreBytesThanNeededIsAccepted() {
        byte[] input = concat(CONNECT_V311, new byte[] {(byte) 0xC0, (byte) 0x80, 0x00}); // PINGREQ, length 0 in 2
        Result result = feed(input, 1000);
        assertThat(result.failed()).isNull();
        assertThat(result.passed()).isEqualTo(input);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 1000})
    void aPropertyLengthPastTheEndOfThePacketIsMalformed(int piece) {
        // A PUBLISH whose property length says 20 with 3 bytes left; the PINGREQ after it is not read as properties.
        byte[] publish = {0x30, 0x07, 0x00, 0x01, 0x74, 0x14, 0x01, 0x01, 0x00};
        Result result = feed(concat(CONNECT_V5, publish, Packets.pingReq()), piece);
        assertThat(result.cause()).hasMessageContaining("past the end of the packet");
        assertThat(result.cause().reasonCode()).isEqualTo((byte) 0x81);
        assertThat(result.passed()).startsWith(CONNECT_V5);
        assertThat(result.passed().length).isLessThan(CONNECT_V5.length + publish.length);
    }

    @Test
    void aSubscriptionIdentifierInMoreBytesThanNeededIsMalformed() {
        // Subscription Identifier 1 written as 0x81 0x00 [MQTT-1.5.5-1].
        byte[] subscribe = {(byte) 0x82, 0x0C, 0x00, 0x01, 0x03, 0x0B, (byte) 0x81, 0x00, 0x00, 0x03, 0x61, 0x2F,
                0x62, 0x01};
        Result result = feed(concat(CONNECT_V5, subscribe), 1000);
        assertThat(result.cause()).hasMessageContaining("property 0x0B in more bytes than needed");
        assertThat(result.cause().reasonCode()).isEqualTo((byte) 0x81);
    }

    @Test
    void anUnknownPropertyIsLeftToTheDecoder() {
        byte[] input = concat(CONNECT_V5, PacketBuilder.packet(RawPacket.PUBLISH, 0).string("t")
                .raw((byte) 2, (byte) 0x7F, (byte) 0).build(), Packets.pingReq());
        Result result = feed(input, 1000);
        assertThat(result.failed()).isNull();
        assertThat(result.passed()).isEqualTo(input);
    }

    /** Every split of a CONNECT with flags 0x2, so that the level arrives in a later piece than the flags. */
    static IntStream pieces() {
        return IntStream.rangeClosed(1, 12);
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void reservedConnectFlagsFailAtTheProtocolLevelAsV5(int piece) {
        byte[] connect = Packets.connect(true, "flags");
        connect[0] |= 0x02;
        Result result = feed(concat(connect, Packets.pingReq()), piece);
        assertThat(result.cause()).hasMessage("CONNECT with reserved fixed-header flags 0x2");
        assertThat(result.cause().reasonCode()).isEqualTo((byte) 0x81);
        assertThat(result.failed().fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNECT);
        assertThat(result.version()).isEqualTo(MqttVersion.MQTT_5);
        assertThat(result.passed()).as("no byte of the CONNECT reaches the decoder").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1000})
    void reservedConnectFlagsIn311FailWithoutAVersion(int piece) {
        byte[] connect = Packets.connect(false, "flags");
        connect[0] |= 0x08;
        Result result = feed(connect, piece);
        assertThat(result.cause()).hasMessageContaining("reserved fixed-header flags");
        assertThat(result.failed().fixedHeader()).isNull();
        assertThat(result.version()).isNull();
        assertThat(result.passed()).isEmpty();
    }

    @Test
    void aConnectWithReservedFlagsThatEndsBeforeItsLevelFails() {
        Result result = feed(PacketBuilder.packet(RawPacket.CONNECT, 0x01).string("MQTT").build(), 1);
        assertThat(result.cause()).hasMessageContaining("reserved fixed-header flags");
        assertThat(result.version()).isNull();
        assertThat(result.passed()).isEmpty();
    }

    @Test
    void aConnectWithReservedFlagsAndAFiveByteRemainingLengthFails() {
        Result result = feed(new byte[] {0x11, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}, 1);
        assertThat(result.cause()).hasMessageContaining("reserved fixed-header flags");
        assertThat(result.passed()).isEmpty();
    }
}
