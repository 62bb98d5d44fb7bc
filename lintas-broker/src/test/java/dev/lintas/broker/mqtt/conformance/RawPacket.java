package dev.lintas.broker.mqtt.conformance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One packet as it came from the broker: the packet type, the four flag bits and the bytes after the Remaining
 * Length. The accessors decode the packets a broker sends, for the protocol level the client spoke.
 *
 * @param v5 whether the connection speaks MQTT 5, which puts reason codes and properties in most packets
 */
public record RawPacket(int type, int flags, byte[] body, boolean v5) {

    public static final int CONNECT = 1;
    public static final int CONNACK = 2;
    public static final int PUBLISH = 3;
    public static final int PUBACK = 4;
    public static final int SUBSCRIBE = 8;
    public static final int SUBACK = 9;
    public static final int UNSUBSCRIBE = 10;
    public static final int UNSUBACK = 11;
    public static final int PINGREQ = 12;
    public static final int PINGRESP = 13;
    public static final int DISCONNECT = 14;
    public static final int AUTH = 15;

    /** CONNACK: the Session Present flag. */
    public boolean sessionPresent() {
        expect(CONNACK);
        return (body[0] & 0x01) != 0;
    }

    /** CONNACK: the (v5) reason code or (3.1.1) return code; DISCONNECT: the reason code, 0x00 when left out. */
    public int reasonCode() {
        if (type == DISCONNECT) {
            return body.length == 0 ? 0 : body[0] & 0xFF;
        }
        expect(CONNACK);
        return body[1] & 0xFF;
    }

    /** CONNACK or DISCONNECT in v5: the properties, by identifier; the value of a property that repeats is the last. */
    public Map<Integer, Object> properties() {
        Cursor cursor = new Cursor(body);
        switch (type) {
            case CONNACK -> cursor.skip(2);
            case DISCONNECT -> cursor.skip(1);
            default -> throw new AssertionError("no properties read from packet type " + type);
        }
        return cursor.properties();
    }

    /** PUBACK, SUBACK or UNSUBACK: the packet identifier. PUBLISH: see {@link #publishPacketId()}. */
    public int packetId() {
        if (type != PUBACK && type != SUBACK && type != UNSUBACK) {
            throw new AssertionError("packet type " + type + " has no packet id here");
        }
        return (body[0] & 0xFF) << 8 | body[1] & 0xFF;
    }

    /** SUBACK or UNSUBACK: the reason codes (v5) or return codes (SUBACK in 3.1.1), in order. */
    public List<Integer> reasonCodes() {
        if (type != SUBACK && type != UNSUBACK) {
            throw new AssertionError("packet type " + type + " has no list of reason codes");
        }
        Cursor cursor = new Cursor(body);
        cursor.skip(2);
        if (v5) {
            cursor.properties();
        }
        List<Integer> codes = new ArrayList<>();
        while (cursor.remaining() > 0) {
            codes.add(cursor.u8());
        }
        return codes;
    }

    public int qos() {
        expect(PUBLISH);
        return flags >> 1 & 0x03;
    }

    public boolean retain() {
        expect(PUBLISH);
        return (flags & 0x01) != 0;
    }

    public boolean dup() {
        expect(PUBLISH);
        return (flags & 0x08) != 0;
    }

    public String topic() {
        expect(PUBLISH);
        return new Cursor(body).string();
    }

    /** PUBLISH: the packet identifier, 0 at QoS 0 where there is none. */
    public int publishPacketId() {
        expect(PUBLISH);
        if (qos() == 0) {
            return 0;
        }
        Cursor cursor = new Cursor(body);
        cursor.string();
        return cursor.u16();
    }

    public byte[] payload() {
        expect(PUBLISH);
        Cursor cursor = new Cursor(body);
        cursor.string();
        if (qos() > 0) {
            cursor.u16();
        }
        if (v5) {
            cursor.properties();
        }
        return cursor.rest();
    }

    public String payloadText() {
        return new String(payload(), StandardCharsets.UTF_8);
    }

    private void expect(int wanted) {
        if (type != wanted) {
            throw new AssertionError("expected packet type " + wanted + ", got " + this);
        }
    }

    @Override
    public String toString() {
        StringBuilder hex = new StringBuilder();
        for (byte b : body) {
            hex.append(String.format("%02x", b & 0xFF));
        }
        return "RawPacket[type " + type + ", flags " + flags + ", body " + hex + "]";
    }

    /** Reads the fields of a body in order. */
    private static final class Cursor {
        private final byte[] data;
        private int at;

        Cursor(byte[] data) {
            this.data = data;
        }

        int remaining() {
            return data.length - at;
        }

        void skip(int n) {
            at += n;
        }

        int u8() {
            return data[at++] & 0xFF;
        }

        int u16() {
            return u8() << 8 | u8();
        }

        long u32() {
            return (long) u16() << 16 | u16();
        }

        int vbi() {
            int value = 0;
            for (int shift = 0; ; shift += 7) {
                int digit = u8();
                value |= (digit & 0x7F) << shift;
                if ((digit & 0x80) == 0) {
                    return value;
                }
            }
        }

        String string() {
            int length = u16();
            String text = new String(data, at, length, StandardCharsets.UTF_8);
            at += length;
            return text;
        }

        byte[] rest() {
            byte[] rest = new byte[remaining()];
            System.arraycopy(data, at, rest, 0, rest.length);
            at = data.length;
            return rest;
        }

        /** A property block; the identifiers and types are those of the MQTT 5 spec, section 2.2.2.2. */
        Map<Integer, Object> properties() {
            int end = vbi();
            end += at;
            Map<Integer, Object> properties = new HashMap<>();
            while (at < end) {
                int id = vbi();
                Object value = switch (id) {
                    case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> u8();
                    case 0x13, 0x21, 0x22, 0x23 -> u16();
                    case 0x02, 0x11, 0x18, 0x27 -> u32();
                    case 0x0B -> vbi();
                    case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> string();
                    case 0x09, 0x16 -> {
                        int length = u16();
                        at += length;
                        yield length;
                    }
                    case 0x26 -> string() + "=" + string();
                    default -> throw new AssertionError("unknown property identifier " + id);
                };
                properties.put(id, value);
            }
            return properties;
        }
    }
}
