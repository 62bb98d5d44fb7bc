package dev.lintas.broker.mqtt;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The door before {@link MqttHandler}: a connection's first CONNECT must find a free place under
 * {@code max-connections}, or it is answered CONNACK 0x97 (3.1.1: 0x03) and closed here, before it has a session. What
 * comes after an admitted CONNECT, and anything that is not a well-formed CONNECT, passes through untouched: the
 * handler has the protocol rules.
 * <p>
 * Event loop only.
 */
final class MqttAdmission extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(MqttAdmission.class);

    /** Where the connection is at the door. */
    private enum State { WAITING, ADMITTED, REFUSED }

    private final MqttBroker broker;
    private State state = State.WAITING;

    MqttAdmission(MqttBroker broker) {
        this.broker = broker;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case ADMITTED -> ctx.fireChannelRead(msg);
            case REFUSED -> ReferenceCountUtil.release(msg);
            case WAITING -> {
                if (msg instanceof MqttConnectMessage connect && connect.decoderResult().isSuccess()) {
                    admit(ctx, connect);
                } else {
                    ctx.fireChannelRead(msg);
                }
            }
        }
    }

    private void admit(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        boolean v5 = connect.variableHeader().version() == MqttVersion.MQTT_5.protocolLevel();
        if (!broker.limits().admitConnection()) {
            refuse(ctx, connect, v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_QUOTA_EXCEEDED
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                    "max-connections (" + broker.settings().maxConnections() + ") reached");
            return;
        }
        state = State.ADMITTED;
        ctx.fireChannelRead(connect);
    }

    /** Answers the CONNECT with {@code code}, logs one line and closes; the handler never sees this connection. */
    private void refuse(ChannelHandlerContext ctx, MqttConnectMessage connect, MqttConnectReturnCode code,
            String why) {
        state = State.REFUSED;
        log.info("mqtt {} client '{}': closing, CONNECT refused: {}", ctx.channel().remoteAddress(),
                connect.payload().clientIdentifier(), why);
        ReferenceCountUtil.release(connect);
        ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false)
                .properties(MqttProperties.NO_PROPERTIES).build()).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.ADMITTED) {
            broker.limits().connectionEnded();
        }
        state = State.REFUSED;
        ctx.fireChannelInactive();
    }
}
