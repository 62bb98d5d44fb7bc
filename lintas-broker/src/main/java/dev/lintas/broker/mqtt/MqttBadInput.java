package dev.lintas.broker.mqtt;

import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;

/**
 * Input a connection is closed for, with the MQTT 5 reason code the answer carries: 0x81 (malformed packet), 0x82
 * (protocol error), 0x90 (topic name invalid) or 0x95 (packet too large). {@link MqttPacketValidator} raises it for
 * what Netty's decoder lets through; {@link #of} classifies the decoder's own failures.
 */
final class MqttBadInput extends DecoderException {

    /**
     * Where Netty's {@code MqttDecoder} records the protocol level as soon as it has read it from CONNECT. Its
     * {@code MqttEncoder} reads the same attribute to choose between 3.1.1 and v5 encodings, so it is also what
     * decides whether a CONNACK can carry a v5 reason code.
     */
    private static final AttributeKey<MqttVersion> DECODER_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final byte reasonCode;

    private MqttBadInput(byte reasonCode, String message, Throwable cause) {
        super(message, cause);
        this.reasonCode = reasonCode;
    }

    /** The packet cannot be parsed as the spec says: 0x81. */
    static MqttBadInput malformed(String message) {
        return new MqttBadInput(MqttReasonCodes.Disconnect.MALFORMED_PACKET.byteValue(), message, null);
    }

    /** The packet parses, but breaks a rule of the protocol: 0x82. */
    static MqttBadInput protocolError(String message) {
        return new MqttBadInput(MqttReasonCodes.Disconnect.PROTOCOL_ERROR.byteValue(), message, null);
    }

    /** The v5 reason code for this input, valid in both CONNACK and DISCONNECT. */
    byte reasonCode() {
        return reasonCode;
    }

    /**
     * What a failure of Netty's decoder (4.2) means. Its failures are mostly plain {@link DecoderException}s, so the
     * few that are not malformed packets are told apart by their messages; the conformance tests pin each one.
     */
    static MqttBadInput of(Throwable cause) {
        if (cause instanceof MqttBadInput bad) {
            return bad;
        }
        String message = String.valueOf(cause == null ? null : cause.getMessage());
        MqttReasonCodes.Disconnect reason;
        if (cause instanceof TooLongFrameException) {
            reason = MqttReasonCodes.Disconnect.PACKET_TOO_LARGE;
        } else if (message.startsWith("invalid publish topic name")) {
            reason = MqttReasonCodes.Disconnect.TOPIC_NAME_INVALID; // A wildcard: [MQTT-3.3.2-2].
        } else if (message.startsWith("invalid messageId")) {
            reason = MqttReasonCodes.Disconnect.PROTOCOL_ERROR; // Packet id 0: [MQTT-2.2.1-3].
        } else if (message.startsWith("invalid RetainedHandlingPolicy")) {
            reason = MqttReasonCodes.Disconnect.PROTOCOL_ERROR; // Retain Handling 3: section 3.8.3.1.
        } else {
            reason = MqttReasonCodes.Disconnect.MALFORMED_PACKET;
        }
        return new MqttBadInput(reason.byteValue(), message, cause);
    }

    /** The protocol level the decoder read from this channel's CONNECT, or null if it got no further than that. */
    static MqttVersion decoderVersion(Channel channel) {
        return channel.attr(DECODER_VERSION).get();
    }

    /**
     * Records the protocol level where the decoder would have, for {@link MqttFrameGuard}, which refuses a CONNECT
     * before the decoder reads it: the handler then answers a v5 client, and the encoder writes a v5 CONNACK.
     */
    static void decoderVersion(Channel channel, MqttVersion version) {
        channel.attr(DECODER_VERSION).set(version);
    }
}
