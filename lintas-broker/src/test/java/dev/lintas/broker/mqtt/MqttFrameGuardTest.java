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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;

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
        assertThat(channel.finishAndReleaseAll()).isFalse();
        return new Result(passed.toByteArray(), failed);
    }

    private record Result(byte[] passed, MqttMessage failed) {
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
}
