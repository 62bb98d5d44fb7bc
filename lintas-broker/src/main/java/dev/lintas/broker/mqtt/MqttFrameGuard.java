package dev.lintas.broker.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageFactory;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * In front of Netty's {@code MqttDecoder}: follows the byte stream packet by packet, without copying or holding it,
 * to check what the decoder cannot report because it drops it while decoding, or fails before it knows enough:
 * <ul>
 *   <li>a Remaining Length in more bytes than it needs ([MQTT-1.5.5-1]);</li>
 *   <li>reserved bits set in a SUBSCRIBE's subscription options: bits 6 and 7 in v5 ([MQTT-3.8.3-5]), bits 2 to 7 in
 *       3.1.1 ([MQTT-3-8.3-4] of 3.1.1), which the decoder would read as v5 options;</li>
 *   <li>v5: a property that appears twice where the spec allows it once, in the properties of CONNECT, its will,
 *       PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, UNSUBSCRIBE, DISCONNECT and AUTH
 *       ({@link PropertyScanner}); the decoder keeps the last value;</li>
 *   <li>reserved fixed-header flags on the first CONNECT ([MQTT-2.1.3-1]). The decoder fails on them before it reads
 *       the protocol level, so it could not say whether a CONNACK may carry a reason code; the guard reads on to the
 *       level, and at level 5 the failure is answered with CONNACK 0x81.</li>
 * </ul>
 * Bytes pass on unchanged, each buffer once this guard has looked at all of it, so the decoder never decodes a
 * packet the guard has not checked (the bytes of a CONNECT with bad flags are dropped, and it is refused once its
 * protocol level is known). At a violation, the bytes of the packets before it pass on, then a failed message
 * carrying an {@link MqttBadInput}, which {@link MqttHandler} answers like a decoder failure; all that comes after is
 * dropped. A failed message for the first CONNECT, at level 5, has CONNECT's fixed header, and the guard records
 * level 5 where the decoder would have ({@link MqttBadInput#decoderVersion}), so that the answer is a v5 CONNACK. A
 * packet that is malformed in other ways is left to the decoder.
 * <p>
 * The cost on the hot path: a PUBLISH's topic length, packet id and property length are read, its topic and payload
 * passed over; its properties are walked only when it has some. A state machine over one packet at a time, reading
 * one field after another; event loop only, one per channel.
 */
final class MqttFrameGuard extends ChannelInboundHandlerAdapter {

    private static final int CONNECT = 1;
    private static final int PUBLISH = 3;
    private static final int PUBACK = 4;
    private static final int PUBCOMP = 7;
    private static final int SUBSCRIBE = 8;
    private static final int UNSUBSCRIBE = 10;
    private static final int DISCONNECT = 14;
    private static final int AUTH = 15;

    /** Where the guard is: the fixed header, a field of the body, or past all checks. */
    private enum State {
        TYPE, LENGTH,
        /** Two-byte fields. */
        NAME_LENGTH, KEEP_ALIVE, CLIENT_ID_LENGTH, TOPIC_LENGTH, PACKET_ID, FILTER_LENGTH,
        /** One-byte fields. */
        LEVEL, CONNECT_FLAGS, REASON, OPTIONS,
        /** The bytes of a string, passed over. */
        NAME, CLIENT_ID, TOPIC, FILTER,
        PROPERTIES, WILL_PROPERTIES,
        /** The rest of the packet, passed over. */
        REST,
        /** Past something only the decoder can judge: bytes pass unchecked, and the decoder ends the connection. */
        UNCHECKED,
        FAILED;

        boolean twoBytes() {
            return compareTo(NAME_LENGTH) >= 0 && compareTo(FILTER_LENGTH) <= 0;
        }

        boolean string() {
            return compareTo(NAME) >= 0 && compareTo(FILTER) <= 0;
        }

        boolean body() {
            return compareTo(NAME_LENGTH) >= 0 && compareTo(REST) <= 0;
        }
    }

    private final PropertyScanner properties = new PropertyScanner();
    private State state = State.TYPE;
    private int type;
    private int flags;
    /** Whether the current packet is the first CONNECT, whose body is read up to its payload. */
    private boolean connect;
    /** The first CONNECT has reserved fixed-header flags set: refused once its protocol level is known. */
    private boolean badConnectFlags;
    private boolean will;
    /** Bytes of the current packet's body not seen yet. */
    private int remaining;
    /** The multi-byte field being read: its value so far and how many of its bytes were read. */
    private int value;
    private int bytesRead;
    /** Bytes of a string to pass over. */
    private int skip;
    /** From the CONNECT; -1 before it. */
    private int protocolLevel = -1;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.FAILED) {
            in.release();
            return;
        }
        int packetStart = in.readerIndex();
        int i = in.readerIndex();
        int end = in.writerIndex();
        MqttBadInput violation = null;
        while (i < end && violation == null && state != State.UNCHECKED) {
            if (state == State.TYPE) {
                packetStart = i;
                int first = in.getUnsignedByte(i++);
                type = first >> 4;
                flags = first & 0x0F;
                connect = type == CONNECT && protocolLevel < 0;
                badConnectFlags = connect && flags != 0; // Its bytes never reach the decoder.
                startField(State.LENGTH);
            } else if (state == State.LENGTH) {
                int digit = in.getUnsignedByte(i++);
                value |= (digit & 0x7F) << 7 * bytesRead++;
                if ((digit & 0x80) != 0 && bytesRead == 4) {
                    // A fifth byte: the decoder refuses it, unless it never gets the packet.
                    state = State.UNCHECKED;
                    violation = badConnectFlags ? badConnectFlagsRefused() : null;
                } else if ((digit & 0x80) != 0) {
                    state = State.LENGTH;
                } else if (bytesRead > 1 && digit == 0 && protocolLevel == 5) {
                    // [MQTT-1.5.5-1]; MQTT 3.1.1 has no such rule, and a CONNECT's level is not known yet.
                    violation = MqttBadInput.malformed("Remaining Length in more bytes than needed");
                } else {
                    violation = startBody(value);
                }
            } else if (state == State.REST) {
                int n = Math.min(end - i, remaining);
                i += n;
                remaining -= n;
            } else if (state.string()) {
                int n = Math.min(end - i, Math.min(skip, remaining));
                i += n;
                remaining -= n;
                skip -= n;
                if (skip == 0) {
                    violation = next();
                }
            } else if (state == State.PROPERTIES || state == State.WILL_PROPERTIES) {
                int at = properties.scan(in, i, i + Math.min(end - i, remaining));
                remaining -= at - i;
                i = at;
                violation = properties.violation();
                if (violation == null && properties.unchecked()) {
                    state = State.UNCHECKED;
                } else if (violation == null && properties.done()) {
                    violation = next();
                }
            } else {
                violation = bodyByte(in.getUnsignedByte(i++));
            }
            if (violation == null && remaining == 0 && state.body()) {
                violation = packetEnded(); // If a field was cut short, the decoder says so.
            }
        }
        if (violation == null && !badConnectFlags) {
            ctx.fireChannelRead(in);
            return;
        }
        if (packetStart > in.readerIndex()) {
            ctx.fireChannelRead(in.retainedSlice(in.readerIndex(), packetStart - in.readerIndex()));
        }
        in.release();
        if (violation != null) {
            state = State.FAILED;
            ctx.fireChannelRead(failed(ctx, violation));
        }
    }

    /**
     * The failed message for {@code violation}: for the first CONNECT of a v5 client, with CONNECT's fixed header and
     * the client's version recorded, so that the answer is a v5 CONNACK.
     */
    private MqttMessage failed(ChannelHandlerContext ctx, MqttBadInput violation) {
        if (connect && protocolLevel == MqttVersion.MQTT_5.protocolLevel()) {
            MqttBadInput.decoderVersion(ctx.channel(), MqttVersion.MQTT_5);
            return MqttMessageFactory.newInvalidMessage(
                    new MqttFixedHeader(MqttMessageType.CONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0), null,
                    violation);
        }
        return MqttMessageFactory.newInvalidMessage(violation);
    }

    /** One byte of a one- or two-byte field; the violation it reveals, or null. */
    private MqttBadInput bodyByte(int b) {
        remaining--;
        if (state.twoBytes()) {
            value = value << 8 | b;
            return ++bytesRead == 2 ? next() : null;
        }
        switch (state) {
            case LEVEL -> {
                protocolLevel = b;
                if (badConnectFlags) {
                    return badConnectFlagsRefused();
                }
            }
            case CONNECT_FLAGS -> will = (b & 0x04) != 0;
            case OPTIONS -> {
                if ((b & (protocolLevel == 5 ? 0xC0 : 0xFC)) != 0) {
                    return MqttBadInput.malformed(String.format(
                            "SUBSCRIBE with reserved bits set in its subscription options (0x%02X)", b));
                }
            }
            case REASON -> {
                // Any value: the handler judges reason codes.
            }
            default -> throw new IllegalStateException("state: " + state);
        }
        return next();
    }

    private MqttBadInput startBody(int length) {
        remaining = length;
        boolean v5 = protocolLevel == 5;
        State first;
        if (connect) {
            first = State.NAME_LENGTH;
        } else if (type == SUBSCRIBE) {
            first = State.PACKET_ID;
        } else if (v5 && type == PUBLISH) {
            first = State.TOPIC_LENGTH;
        } else if (v5 && (type >= PUBACK && type <= PUBCOMP || type == UNSUBSCRIBE)) {
            first = State.PACKET_ID;
        } else if (v5 && (type == DISCONNECT || type == AUTH)) {
            first = State.REASON;
        } else {
            first = State.REST;
        }
        if (length == 0) {
            return packetEnded();
        }
        return enter(first);
    }

    /** The field after the one just read. */
    private MqttBadInput next() {
        boolean v5 = protocolLevel == 5;
        return enter(switch (state) {
            case NAME_LENGTH -> State.NAME;
            case NAME -> State.LEVEL;
            case LEVEL -> v5 ? State.CONNECT_FLAGS : State.REST;
            case CONNECT_FLAGS -> State.KEEP_ALIVE;
            case KEEP_ALIVE -> State.PROPERTIES;
            case CLIENT_ID_LENGTH -> State.CLIENT_ID;
            case CLIENT_ID -> will ? State.WILL_PROPERTIES : State.REST;
            case TOPIC_LENGTH -> State.TOPIC;
            case TOPIC -> (flags & 0x06) != 0 ? State.PACKET_ID : State.PROPERTIES;
            case PACKET_ID -> type >= PUBACK && type <= PUBCOMP ? State.REASON
                    : type != SUBSCRIBE || v5 ? State.PROPERTIES : State.FILTER_LENGTH;
            case REASON -> State.PROPERTIES;
            case PROPERTIES -> connect ? State.CLIENT_ID_LENGTH : type == SUBSCRIBE ? State.FILTER_LENGTH : State.REST;
            case FILTER_LENGTH -> State.FILTER;
            case FILTER -> State.OPTIONS;
            case OPTIONS -> State.FILTER_LENGTH;
            default -> State.REST;
        });
    }

    private MqttBadInput enter(State field) {
        int length = value;
        startField(field);
        if (field.string()) {
            skip = length;
            if (skip == 0) {
                return next(); // An empty string.
            }
        } else if (field == State.PROPERTIES || field == State.WILL_PROPERTIES) {
            properties.start(field == State.WILL_PROPERTIES ? "will of CONNECT"
                    : MqttMessageType.valueOf(type).name(), remaining);
        }
        return null;
    }

    /** The current packet's body has been read; a CONNECT with bad flags that ended before its level fails here. */
    private MqttBadInput packetEnded() {
        state = State.TYPE;
        return badConnectFlags ? badConnectFlagsRefused() : null;
    }

    /** [MQTT-2.1.3-1]: CONNECT's flags are 0000. */
    private MqttBadInput badConnectFlagsRefused() {
        badConnectFlags = false;
        return MqttBadInput.malformed(String.format("CONNECT with reserved fixed-header flags 0x%X", flags));
    }

    private void startField(State next) {
        state = next;
        value = 0;
        bytesRead = 0;
        skip = 0;
    }
}
