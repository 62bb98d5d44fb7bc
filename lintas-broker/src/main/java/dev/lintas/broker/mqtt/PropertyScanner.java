package dev.lintas.broker.mqtt;

import io.netty.buffer.ByteBuf;

/**
 * Follows one MQTT 5 property section in raw bytes, its Variable Byte Integer length and then each property's
 * identifier and value, for {@link MqttFrameGuard}: it finds what Netty's decoder cannot report, because the decoder
 * keeps only the last value of a property that appears twice.
 * <ul>
 *   <li>A property that appears twice where the spec allows it once is a protocol error (0x82): every property but
 *       the User Property, and the Subscription Identifier, which only a server-to-client PUBLISH may repeat (a
 *       client may not send it in PUBLISH at all, and {@link MqttPropertyRules} refuses two in SUBSCRIBE).</li>
 *   <li>A property identifier in more than one byte (every identifier fits in one, so a longer one is either unknown
 *       or not in the fewest bytes, [MQTT-1.5.5-1]), a property length or a Subscription Identifier not in the fewest
 *       bytes, a property length past the end of the packet, and a property whose value runs past the end of its
 *       section are malformed (0x81).</li>
 * </ul>
 * An unknown identifier ends the scan: the decoder refuses it. Seen identifiers are a bitset (all are below 64), so a
 * section costs no allocation. Event loop only; one per guard, started again for each section.
 */
final class PropertyScanner {

    /** The Subscription Identifier and the User Property, which may repeat. */
    private static final long MAY_REPEAT = 1L << 0x0B | 1L << 0x26;
    /** A Variable Byte Integer, a string or binary data (two length bytes, then the bytes), a string pair. */
    private static final byte VBI = -1;
    private static final byte STRING = -2;
    private static final byte PAIR = -3;
    /** What follows each identifier: the width of a fixed-size value, one of the kinds above, or 0 for no property. */
    private static final byte[] VALUE = new byte[0x2B];

    static {
        for (int id : new int[] {0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A}) {
            VALUE[id] = 1;
        }
        for (int id : new int[] {0x13, 0x21, 0x22, 0x23}) {
            VALUE[id] = 2;
        }
        for (int id : new int[] {0x02, 0x11, 0x18, 0x27}) {
            VALUE[id] = 4;
        }
        VALUE[0x0B] = VBI;
        for (int id : new int[] {0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, 0x1C, 0x1F}) {
            VALUE[id] = STRING;
        }
        VALUE[0x26] = PAIR;
    }

    private enum State { LENGTH, ID, SKIP, VBI, STRING_LENGTH, DONE, UNCHECKED }

    private State state = State.DONE;
    /** What the section belongs to, for the message of a violation. */
    private String where;
    /** Bytes of the section not seen yet. */
    private int left;
    /** Bytes of the packet left when the section started. */
    private int packetLeft;
    /** The multi-byte field being read: its value so far and how many of its bytes were read. */
    private int value;
    private int bytesRead;
    /** Value bytes to pass over. */
    private int skip;
    /** Strings of the current value still to come after the one being read. */
    private int strings;
    private int id;
    private long seen;
    private MqttBadInput violation;

    /**
     * Starts on a new section, of {@code where} ("PUBLISH", "will of CONNECT"), with {@code packetLeft} bytes left in
     * its packet (its length included): a section that claims more is malformed.
     */
    void start(String where, int packetLeft) {
        this.where = where;
        this.packetLeft = packetLeft;
        state = State.LENGTH;
        value = 0;
        bytesRead = 0;
        skip = 0;
        strings = 0;
        seen = 0;
        violation = null;
    }

    /** Whether the section has been read to its end without a violation. */
    boolean done() {
        return state == State.DONE;
    }

    /** Whether the scan stopped at what only the decoder can judge. */
    boolean unchecked() {
        return state == State.UNCHECKED;
    }

    /** What the section breaks, or null. */
    MqttBadInput violation() {
        return violation;
    }

    /**
     * Reads from index {@code from} of {@code in} up to {@code to} (exclusive), and stops early at the end of the
     * section, at a violation, or at an unknown identifier.
     *
     * @return the index after the last byte read
     */
    int scan(ByteBuf in, int from, int to) {
        int i = from;
        while (i < to && violation == null && state != State.DONE && state != State.UNCHECKED) {
            if (state == State.SKIP) {
                int n = Math.min(to - i, skip);
                i += n;
                skip -= n;
                left -= n;
                if (skip == 0) {
                    valueRead();
                }
                continue;
            }
            int b = in.getUnsignedByte(i++);
            switch (state) {
                case LENGTH -> sectionLength(b);
                case ID -> identifier(b);
                case VBI -> {
                    left--;
                    bytesRead++;
                    if ((b & 0x80) == 0 && bytesRead > 1 && b == 0) {
                        violation = MqttBadInput.malformed(String.format(
                                "%s with property 0x%02X in more bytes than needed", where, id));
                    } else if ((b & 0x80) == 0) {
                        valueRead();
                    } else if (left == 0) {
                        violation = overrun();
                    }
                }
                case STRING_LENGTH -> {
                    left--;
                    value = value << 8 | b;
                    if (++bytesRead == 2) {
                        if (value > left) {
                            violation = overrun();
                        } else {
                            skip = value;
                            state = State.SKIP;
                            if (skip == 0) {
                                valueRead();
                            }
                        }
                    }
                }
                default -> throw new IllegalStateException("state: " + state);
            }
        }
        return i;
    }

    private void sectionLength(int b) {
        value |= (b & 0x7F) << 7 * bytesRead++;
        if ((b & 0x80) != 0) {
            if (bytesRead == 4) {
                state = State.UNCHECKED; // A fifth byte: the decoder refuses it.
            }
        } else if (bytesRead > 1 && b == 0) {
            violation = MqttBadInput.malformed(where + " with a property length in more bytes than needed");
        } else if (value > packetLeft - bytesRead) {
            violation = MqttBadInput.malformed(String.format("%s with a property length of %d, past the end of the"
                    + " packet (%d bytes left)", where, value, packetLeft - bytesRead));
        } else {
            left = value;
            state = left == 0 ? State.DONE : State.ID;
        }
    }

    private void identifier(int b) {
        left--;
        if ((b & 0x80) != 0) {
            violation = MqttBadInput.malformed(String.format("%s with a property identifier in more than one byte"
                    + " (0x%02X ...)", where, b));
            return;
        }
        byte kind = b < VALUE.length ? VALUE[b] : 0;
        if (kind == 0) {
            state = State.UNCHECKED;
            return;
        }
        long bit = 1L << b;
        if ((seen & bit & ~MAY_REPEAT) != 0) {
            violation = MqttBadInput.protocolError(String.format("%s with property 0x%02X more than once", where, b));
            return;
        }
        seen |= bit;
        id = b;
        switch (kind) {
            case VBI -> {
                bytesRead = 0;
                state = State.VBI;
            }
            case STRING, PAIR -> {
                strings = kind == PAIR ? 1 : 0;
                startString();
            }
            default -> {
                skip = kind;
                state = State.SKIP;
            }
        }
        if (left < (kind > 0 ? kind : kind == VBI ? 1 : 2)) { // The smallest value of its kind.
            violation = overrun();
        }
    }

    private void startString() {
        value = 0;
        bytesRead = 0;
        state = State.STRING_LENGTH;
    }

    /** The current property's value, or one string of it, has been read. */
    private void valueRead() {
        if (strings > 0) {
            strings--;
            if (left < 2) {
                violation = overrun();
            }
            startString();
        } else {
            state = left == 0 ? State.DONE : State.ID;
        }
    }

    private MqttBadInput overrun() {
        return MqttBadInput.malformed(String.format("%s with property 0x%02X running past the end of the properties",
                where, id));
    }
}
