package dev.lintas.cli.bench;

import java.util.concurrent.CompletableFuture;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;

/**
 * One client connection of the load tool: it sends CONNECT when the channel is up, checks the CONNACK, and then
 * hands every packet to its subclass. Every failure goes through {@link #fail}, which records the first reason,
 * completes {@link #ready()} exceptionally, and closes the channel.
 *
 * <p>Threading: all state is owned by the channel's event loop. The run reads results only through futures that
 * the event loop completes.
 */
abstract class BenchConnection extends SimpleChannelInboundHandler<MqttMessage> {

    protected final MqttBenchPlan plan;
    private final String clientId;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** Set once on the event loop when the channel is up; volatile because the run reads it to close. */
    protected volatile ChannelHandlerContext ctx;
    private boolean closing;
    private String failure;

    BenchConnection(MqttBenchPlan plan, String clientId) {
        this.plan = plan;
        this.clientId = clientId;
    }

    /** Completes when the connection can take part: connected, and for a subscriber, subscribed. */
    final CompletableFuture<Void> ready() {
        return ready;
    }

    final String clientId() {
        return clientId;
    }

    /** The first reason this connection failed, or null; read it only after the channel has closed. */
    final String failure() {
        return failure;
    }

    @Override
    public final void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        boolean persistent = persistentSession();
        MqttProperties properties = new MqttProperties();
        if (persistent && plan.version() == MqttVersion.MQTT_5) {
            properties.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(),
                    MqttBenchPlan.PERSISTENT_SESSION_EXPIRY));
        }
        ctx.writeAndFlush(MqttMessageBuilders.connect()
                .protocolVersion(plan.version())
                .clientId(clientId)
                .cleanSession(!persistent)
                .properties(properties)
                .keepAlive(0)   // a run sends and receives continuously; no pings to schedule
                .build());
    }

    /** Whether this connection asks for a session that outlives it; see {@link MqttBenchPlan#persistentSessions}. */
    protected boolean persistentSession() {
        return false;
    }

    @Override
    protected final void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
        if (message.decoderResult().isFailure()) {
            fail("cannot decode a packet from the server: " + message.decoderResult().cause().getMessage());
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (type == MqttMessageType.CONNACK) {
            MqttConnectReturnCode code = ((MqttConnAckMessage) message).variableHeader().connectReturnCode();
            if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                fail("the server refused CONNECT: " + code + " (0x" + Integer.toHexString(code.byteValue() & 0xFF)
                        + ")");
                return;
            }
            connected((MqttConnAckMessage) message);
        } else if (type == MqttMessageType.DISCONNECT) {
            fail("the server sent DISCONNECT" + (message.variableHeader()
                    instanceof MqttReasonCodeAndPropertiesVariableHeader reason
                    ? " with reason 0x" + Integer.toHexString(reason.reasonCode() & 0xFF) : ""));
        } else {
            received(message);
        }
    }

    /** CONNACK accepted the connection. */
    protected abstract void connected(MqttConnAckMessage connAck);

    /** Any packet after CONNACK but DISCONNECT; the payload is released after this returns. */
    protected abstract void received(MqttMessage message);

    /** The channel closed, by {@link #close()}, {@link #fail} or the server. */
    protected void ended() {
    }

    protected final void markReady() {
        ready.complete(null);
    }

    /** Ends the connection on purpose, with DISCONNECT, once the run is over. */
    final void close() {
        ctx.executor().execute(() -> {
            if (!closing) {
                closing = true;
                ctx.writeAndFlush(MqttMessage.DISCONNECT).addListener(f -> ctx.close());
            }
        });
    }

    /** The one failure path: remembers the first reason and closes the channel. */
    protected final void fail(String reason) {
        if (failure == null && !closing) {
            failure = clientId + ": " + reason;
        }
        ready.completeExceptionally(new IllegalStateException(clientId + ": " + reason));
        closing = true;
        if (ctx != null) {   // null only when the pipeline failed before the channel was up
            ctx.close();
        }
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) {
        if (!closing) {
            fail("the server closed the connection");
        }
        ended();
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
    }
}
