package dev.lintas.broker.mqtt;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageFactory;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Checks the rules Netty's {@code MqttDecoder} does not, on the packets it decoded, and turns a packet that breaks one
 * into a failed message carrying an {@link MqttBadInput}, which {@link MqttHandler} answers like any decoder failure.
 * Packets the decoder already failed, and good ones, pass unchanged.
 * <p>
 * What the decoder drops while decoding (reserved subscription option bits, how many bytes a Remaining Length took)
 * cannot be checked here: {@link MqttFrameGuard} checks it before the decoder. Stateless and shared.
 */
@ChannelHandler.Sharable
final class MqttPacketValidator extends ChannelInboundHandlerAdapter {

    static final MqttPacketValidator INSTANCE = new MqttPacketValidator();

    private MqttPacketValidator() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MqttMessage packet && packet.decoderResult().isSuccess()) {
            MqttBadInput bad = brokenRule(packet, MqttBadInput.decoderVersion(ctx.channel()));
            if (bad != null) {
                ReferenceCountUtil.release(packet);
                ctx.fireChannelRead(MqttMessageFactory.newInvalidMessage(packet.fixedHeader(),
                        packet.variableHeader(), bad));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The rule the packet breaks, or null. */
    private static MqttBadInput brokenRule(MqttMessage packet, MqttVersion version) {
        if (version == MqttVersion.MQTT_5) {
            MqttBadInput bad = MqttPropertyRules.check(packet);
            if (bad != null) {
                return bad;
            }
        }
        return switch (packet) {
            case MqttConnectMessage connect -> connectFlags(connect.variableHeader());
            case MqttPublishMessage publish -> version == MqttVersion.MQTT_5
                    && publish.variableHeader().topicName().isEmpty()
                    && publish.variableHeader().properties()
                            .getProperty(MqttProperties.TOPIC_ALIAS) == null
                    ? MqttBadInput.protocolError("PUBLISH with an empty topic and no topic alias") : null;
            case MqttSubscribeMessage subscribe -> subscribe.payload().topicSubscriptions().isEmpty()
                    ? MqttBadInput.protocolError("SUBSCRIBE without a topic filter") : null;
            case MqttUnsubscribeMessage unsubscribe -> unsubscribe.payload().topics().isEmpty()
                    ? MqttBadInput.protocolError("UNSUBSCRIBE without a topic filter") : null;
            default -> null;
        };
    }

    /**
     * [MQTT-3.1.2-11] to [MQTT-3.1.2-15]: will QoS and will retain only with a will, and QoS 3 never. In 3.1.1 a
     * password also needs a user name ([MQTT-3.1.2-22] of 3.1.1); v5 allows it alone.
     */
    private static MqttBadInput connectFlags(MqttConnectVariableHeader header) {
        if (header.willQos() == 3) {
            return MqttBadInput.malformed("CONNECT with will QoS 3");
        }
        if (!header.isWillFlag() && (header.willQos() != 0 || header.isWillRetain())) {
            return MqttBadInput.malformed("CONNECT with will QoS or will retain but no will");
        }
        if (header.version() == MqttVersion.MQTT_3_1_1.protocolLevel() && header.hasPassword()
                && !header.hasUserName()) {
            return MqttBadInput.malformed("CONNECT with a password but no user name");
        }
        return null;
    }
}
