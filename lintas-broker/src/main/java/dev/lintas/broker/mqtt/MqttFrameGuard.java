package dev.lintas.broker.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttMessageFactory;

/**
 * In front of Netty's {@code MqttDecoder}: follows the byte stream packet by packet, without copying or holding it,
 * to check what the decoder cannot report because it drops it while decoding:
 * <ul>
 *   <li>a Remaining Length in more bytes than it needs ([MQTT-1.5.5-1]);</li>
 *   <li>reserved bits set in a SUBSCRIBE's subscription options: bits 6 and 7 in v5 ([MQTT-3.8.3-5]), bits 2 to 7 in
 *       3.1.1 ([MQTT-3-8.3-4] of 3.1.1), which the decoder would read as v5 options.</li>
 * </ul>
 * Bytes pass on unchanged, each buffer once this guard has looked at all of it, so the decoder never decodes a
 * packet the guard has not checked. At a violation, the bytes of the packets before it pass on, then a failed
 * message carrying an {@link MqttBadInput} (0x81), which {@link MqttHandler} answers like a decoder failure; all that
 * comes after is dropped. A packet that is malformed in other ways is left to the decoder.
 * <p>
 * A state machine over one packet at a time; event loop only, one per channel.
 */
final class MqttFrameGuard extends ChannelInboundHandlerAdapter {

    private static final int CONNECT = 1;
    private static final int SUBSCRIBE = 8;

    private enum State {
        TYPE, LENGTH, SKIP,
        CONNECT_NAME_LENGTH, CONNECT_NAME, CONNECT_LEVEL,
        PACKET_ID, PROPERTIES_LENGTH, PROPERTIES, FILTER_LENGTH, FILTER, OPTIONS,
        /** Past something only the decoder can judge: bytes pass unchecked, and the decoder ends the connection. */
        UNCHECKED,
        FAILED
    }

    private State state = State.TYPE;
    private int type;
    /** Bytes of the current packet's body not seen yet. */
    private int remaining;
    /** The multi-byte field being read: its value so far and how many of its bytes were read. */
    private int value;
    private int bytesRead;
    /** Bytes to pass over inside the body: the protocol name, the properties, a topic filter. */
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
        String violation = null;
        while (i < end && violation == null && state != State.UNCHECKED) {
            if (state == State.TYPE) {
                packetStart = i;
                type = in.getUnsignedByte(i++) >> 4;
                startField(State.LENGTH);
            } else if (state == State.LENGTH) {
                int digit = in.getUnsignedByte(i++);
                value |= (digit & 0x7F) << 7 * bytesRead++;
                if ((digit & 0x80) != 0) {
                    state = bytesRead == 4 ? State.UNCHECKED : State.LENGTH; // A fifth byte: the decoder refuses it.
                } else if (bytesRead > 1 && digit == 0) {
                    violation = "Remaining Length in more bytes than needed";
                } else {
                    startBody(value);
                }
            } else if (state == State.SKIP) {
                int n = Math.min(end - i, remaining);
                i += n;
                remaining -= n;
            } else if (state == State.CONNECT_NAME || state == State.PROPERTIES || state == State.FILTER) {
                int n = Math.min(end - i, Math.min(skip, remaining));
                i += n;
                remaining -= n;
                skip -= n;
                if (skip == 0) {
                    skipped();
                }
            } else {
                violation = bodyByte(in.getUnsignedByte(i++));
            }
            if (remaining == 0 && state != State.TYPE && state != State.LENGTH && state != State.UNCHECKED) {
                state = State.TYPE; // The body ended; if a field was cut short, the decoder says so.
            }
        }
        if (violation == null) {
            ctx.fireChannelRead(in);
            return;
        }
        state = State.FAILED;
        if (packetStart > in.readerIndex()) {
            ctx.fireChannelRead(in.retainedSlice(in.readerIndex(), packetStart - in.readerIndex()));
        }
        in.release();
        ctx.fireChannelRead(MqttMessageFactory.newInvalidMessage(MqttBadInput.malformed(violation)));
    }

    /** One byte of a CONNECT's or SUBSCRIBE's body, in a field state; the violation it reveals, or null. */
    private String bodyByte(int b) {
        remaining--;
        switch (state) {
            case CONNECT_NAME_LENGTH, PACKET_ID, FILTER_LENGTH -> {
                value = value << 8 | b;
                if (++bytesRead == 2) {
                    twoByteFieldRead();
                }
            }
            case CONNECT_LEVEL -> {
                protocolLevel = b;
                state = State.SKIP;
            }
            case PROPERTIES_LENGTH -> {
                value |= (b & 0x7F) << 7 * bytesRead++;
                if ((b & 0x80) == 0) {
                    skip = value;
                    state = State.PROPERTIES;
                } else if (bytesRead == 4) {
                    state = State.UNCHECKED; // Too long a Variable Byte Integer: the decoder refuses it.
                }
            }
            case OPTIONS -> {
                if ((b & (protocolLevel == 5 ? 0xC0 : 0xFC)) != 0) {
                    return String.format("SUBSCRIBE with reserved bits set in its subscription options (0x%02X)", b);
                }
                startField(State.FILTER_LENGTH);
            }
            default -> throw new IllegalStateException("state: " + state);
        }
        return null;
    }

    /** Past the protocol name, the properties or a topic filter. */
    private void skipped() {
        switch (state) {
            case CONNECT_NAME -> state = State.CONNECT_LEVEL;
            case PROPERTIES -> startField(State.FILTER_LENGTH);
            default -> state = State.OPTIONS;
        }
    }

    private void twoByteFieldRead() {
        switch (state) {
            case CONNECT_NAME_LENGTH -> {
                skip = value;
                state = State.CONNECT_NAME;
            }
            case PACKET_ID -> startField(protocolLevel == 5 ? State.PROPERTIES_LENGTH : State.FILTER_LENGTH);
            default -> {
                skip = value;
                state = State.FILTER;
            }
        }
    }

    private void startBody(int length) {
        remaining = length;
        if (length == 0) {
            state = State.TYPE;
        } else if (type == CONNECT && protocolLevel < 0) {
            startField(State.CONNECT_NAME_LENGTH);
        } else if (type == SUBSCRIBE) {
            startField(State.PACKET_ID);
        } else {
            state = State.SKIP;
        }
    }

    private void startField(State next) {
        state = next;
        value = 0;
        bytesRead = 0;
        skip = 0;
    }
}
