package dev.lintas.broker.mqtt.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds one MQTT packet byte by byte: the caller writes the variable header and payload, {@link #build()} puts the
 * fixed header (first byte and Remaining Length) in front. Nothing is checked, so that tests can write bad packets.
 */
public final class PacketBuilder {

    private final int firstByte;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    private PacketBuilder(int firstByte) {
        this.firstByte = firstByte;
    }

    /** A packet of {@code type} (1 to 15, or 0, which is reserved) with the four flag bits {@code flags}. */
    public static PacketBuilder packet(int type, int flags) {
        return new PacketBuilder(type << 4 | flags);
    }

    public PacketBuilder u8(int value) {
        body.write(value);
        return this;
    }

    public PacketBuilder u16(int value) {
        body.write(value >> 8);
        body.write(value);
        return this;
    }

    public PacketBuilder u32(long value) {
        u16((int) (value >> 16));
        return u16((int) value);
    }

    /** A Variable Byte Integer, in the fewest bytes. */
    public PacketBuilder vbi(int value) {
        body.writeBytes(variableByteInteger(value));
        return this;
    }

    /** A UTF-8 Encoded String: two length bytes, then the text. */
    public PacketBuilder string(String text) {
        return binary(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Two length bytes, then {@code data} as it is: Binary Data, or a string with invalid UTF-8. */
    public PacketBuilder binary(byte[] data) {
        u16(data.length);
        body.writeBytes(data);
        return this;
    }

    /** Bytes as they are, with no length in front. */
    public PacketBuilder raw(byte... data) {
        body.writeBytes(data);
        return this;
    }

    /** A v5 property block: its length, then the properties. */
    public PacketBuilder properties(Properties properties) {
        byte[] encoded = properties.bytes();
        vbi(encoded.length);
        body.writeBytes(encoded);
        return this;
    }

    /** An empty v5 property block. */
    public PacketBuilder noProperties() {
        return u8(0);
    }

    public byte[] build() {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(firstByte);
        packet.writeBytes(variableByteInteger(body.size()));
        packet.writeBytes(body.toByteArray());
        return packet.toByteArray();
    }

    static byte[] variableByteInteger(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4);
        do {
            int digit = value % 128;
            value /= 128;
            out.write(value > 0 ? digit | 0x80 : digit);
        } while (value > 0);
        return out.toByteArray();
    }

    /** The body of a v5 property block, one property after the other, in the order written. */
    public static final class Properties {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public static Properties of() {
            return new Properties();
        }

        public Properties u8(int id, int value) {
            out.writeBytes(variableByteInteger(id));
            out.write(value);
            return this;
        }

        public Properties u16(int id, int value) {
            out.writeBytes(variableByteInteger(id));
            out.write(value >> 8);
            out.write(value);
            return this;
        }

        public Properties u32(int id, long value) {
            out.writeBytes(variableByteInteger(id));
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (value >> shift));
            }
            return this;
        }

        public Properties vbi(int id, int value) {
            out.writeBytes(variableByteInteger(id));
            out.writeBytes(variableByteInteger(value));
            return this;
        }

        public Properties string(int id, String value) {
            return binary(id, value.getBytes(StandardCharsets.UTF_8));
        }

        /** A User Property (0x26): a UTF-8 string pair. */
        public Properties userProperty(String key, String value) {
            string(0x26, key);
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            out.write(bytes.length >> 8);
            out.write(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        /** Binary Data (two length bytes, then {@code data}), or a string given as bytes. */
        public Properties binary(int id, byte[] data) {
            out.writeBytes(variableByteInteger(id));
            out.write(data.length >> 8);
            out.write(data.length);
            out.writeBytes(data);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
