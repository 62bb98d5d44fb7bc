package dev.lintas.broker.mqtt;

import dev.lintas.broker.auth.Authenticator;
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

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The door before {@link MqttHandler}. A connection's first CONNECT must pass two checks, in this order (a v5
 * CONNECT with an Authentication Method skips the first: {@link MqttHandler} runs that exchange):
 * <ol>
 *   <li>authentication ({@link Authenticator}): a bad name or password gets CONNACK 0x04 (v5 0x86), a client that
 *   may not come in anonymously 0x05 (v5 0x87);</li>
 *   <li>a free place under {@code max-connections}: otherwise CONNACK 0x03 (v5 0x97 quota exceeded).</li>
 * </ol>
 * A refused connection is answered and closed here, with one log line, before it has a session. An admitted CONNECT,
 * and anything that is not a well-formed CONNECT, passes through untouched: the handler has the protocol rules.
 * <p>
 * A password check runs off the event loop. Meanwhile the channel stops reading, and what was already decoded
 * waits here, in order, to follow the CONNECT. Event loop only.
 */
final class MqttAdmission extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(MqttAdmission.class);

    /** Where the connection is at the door. */
    private enum State { WAITING, CHECKING, ADMITTED, REFUSED }

    private final MqttBroker broker;
    private State state = State.WAITING;
    /** The packets decoded while the CONNECT was being checked; they follow it. */
    private final Queue<Object> held = new ArrayDeque<>();

    MqttAdmission(MqttBroker broker) {
        this.broker = broker;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case ADMITTED -> ctx.fireChannelRead(msg);
            case REFUSED -> ReferenceCountUtil.release(msg);
            case CHECKING -> held.add(msg);
            case WAITING -> {
                if (msg instanceof MqttConnectMessage connect && connect.decoderResult().isSuccess()) {
                    check(ctx, connect);
                } else {
                    ctx.fireChannelRead(msg);
                }
            }
        }
    }

    private void check(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        state = State.CHECKING;
        if (connect.variableHeader().version() == MqttVersion.MQTT_5.protocolLevel()
                && connect.variableHeader().properties().getProperty(
                        MqttProperties.MqttPropertyType.AUTHENTICATION_METHOD.value()) != null) {
            // MQTT 5 enhanced authentication: the handler runs the exchange with the method's MqttAuthenticator.
            decide(ctx, connect, Authenticator.Verdict.ALLOWED);
            return;
        }
        String name = connect.variableHeader().hasUserName() ? connect.payload().userName() : null;
        byte[] password = connect.variableHeader().hasPassword() ? connect.payload().passwordInBytes() : null;
        var verdict = broker.authenticator().authenticate(ctx.channel().remoteAddress(), name, password);
        if (verdict.isDone()) {
            decide(ctx, connect, verdict.join());
            return;
        }
        ctx.channel().config().setAutoRead(false);
        verdict.whenComplete((result, failure) -> {
            try {
                ctx.executor().execute(() -> {
                    if (state != State.CHECKING) {
                        ReferenceCountUtil.release(connect); // Closed meanwhile.
                        return;
                    }
                    ctx.channel().config().setAutoRead(true);
                    decide(ctx, connect, failure == null ? result : Authenticator.Verdict.BUSY);
                    // The held packets were passed on outside a read: end one, so what they wrote is flushed.
                    ctx.fireChannelReadComplete();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                ReferenceCountUtil.release(connect); // The event loop is shutting down.
            }
        });
    }

    private void decide(ChannelHandlerContext ctx, MqttConnectMessage connect, Authenticator.Verdict verdict) {
        boolean v5 = connect.variableHeader().version() == MqttVersion.MQTT_5.protocolLevel();
        switch (verdict) {
            case BAD_CREDENTIALS -> refuse(ctx, connect, v5
                    ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                    : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD, "bad user name or password");
            case NOT_AUTHORIZED -> refuse(ctx, connect, v5
                    ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, broker.authenticator().hasUsers()
                            ? "no user name, and broker.allow-anonymous is not set"
                            : "anonymous clients may only connect from loopback addresses while no users are "
                                    + "configured; add users under broker.users (hash each password with 'lintas "
                                    + "passwd') or set broker.allow-anonymous: true");
            case BUSY -> refuse(ctx, connect, v5
                    ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, "too many password checks waiting");
            case ALLOWED -> admit(ctx, connect, v5);
        }
    }

    private void admit(ChannelHandlerContext ctx, MqttConnectMessage connect, boolean v5) {
        if (!broker.limits().admitConnection()) {
            refuse(ctx, connect, v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_QUOTA_EXCEEDED
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                    "max-connections (" + broker.settings().maxConnections() + ") reached");
            return;
        }
        state = State.ADMITTED;
        ctx.fireChannelRead(connect);
        while (!held.isEmpty() && state == State.ADMITTED) {
            ctx.fireChannelRead(held.poll());
        }
    }

    /** Answers the CONNECT with {@code code}, logs one line and closes; the handler never sees this connection. */
    private void refuse(ChannelHandlerContext ctx, MqttConnectMessage connect, MqttConnectReturnCode code,
            String why) {
        state = State.REFUSED;
        log.info("mqtt {} client '{}': closing, CONNECT refused: {}", ctx.channel().remoteAddress(),
                connect.payload().clientIdentifier(), why);
        ReferenceCountUtil.release(connect);
        releaseHeld();
        ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false)
                .properties(MqttProperties.NO_PROPERTIES).build()).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseHeld() {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.ADMITTED) {
            broker.limits().connectionEnded();
        }
        state = State.REFUSED;
        releaseHeld();
        ctx.fireChannelInactive();
    }
}
