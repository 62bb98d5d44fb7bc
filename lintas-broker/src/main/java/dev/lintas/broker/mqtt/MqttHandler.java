package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Consumer;
import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.MqttTopics;
import dev.lintas.broker.core.Session;
import dev.lintas.broker.core.SessionRegistry;
import dev.lintas.broker.core.Subscription;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT connection: translates packets into {@link MqttBroker} calls and core deliveries into PUBLISH packets.
 * Every way a connection ends goes through {@link #close}, which logs one line; the cleanup (the core subscription
 * closed, the session detached) runs once, in {@link #channelInactive}.
 * <p>
 * All fields are only touched on the channel's event loop: core deliveries are handed over to it.
 */
final class MqttHandler extends ChannelInboundHandlerAdapter implements Consumer {

    private static final Logger log = LoggerFactory.getLogger(MqttHandler.class);
    /** The v5 Receive Maximum a client that sends none has. */
    private static final int DEFAULT_RECEIVE_MAXIMUM = 65_535;

    private final MqttBroker broker;
    private ChannelHandlerContext ctx;
    private MqttConnection state = MqttConnection.AWAITING_CONNECT;
    private MqttVersion version = MqttVersion.MQTT_3_1_1;
    private String clientId;
    private Session<MqttHandler> session;
    private Subscription subscription;
    private long expiryMillis;
    /** The will from CONNECT; cleared by a normal DISCONNECT, published by the cleanup otherwise. */
    private MqttBroker.Will will;
    /** Outgoing QoS 1 messages awaiting PUBACK: packet id to core delivery tag (-1 for a retained message). */
    private final Map<Integer, Long> inFlight = new HashMap<>();
    private int lastPacketId;

    MqttHandler(MqttBroker broker) {
        this.broker = broker;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state != MqttConnection.CLOSED) {
                read((MqttMessage) msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void read(MqttMessage msg) {
        if (msg.decoderResult().isFailure()) {
            badInput(msg);
            return;
        }
        MqttMessageType type = msg.fixedHeader().messageType();
        if (state == MqttConnection.AWAITING_CONNECT) {
            if (type != MqttMessageType.CONNECT) {
                close(null, "first packet is " + type + ", not CONNECT");
                return;
            }
            connect((MqttConnectMessage) msg);
            return;
        }
        switch (type) {
            case CONNECT -> close(disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR), "second CONNECT");
            case PUBLISH -> publish((MqttPublishMessage) msg);
            case PUBACK -> pubAck(((MqttPubAckMessage) msg).variableHeader().messageId());
            case SUBSCRIBE -> subscribe((MqttSubscribeMessage) msg);
            case UNSUBSCRIBE -> unsubscribe((MqttUnsubscribeMessage) msg);
            case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
            case DISCONNECT -> {
                // v5 reason 0x04 is "disconnect with will message"; any other normal DISCONNECT discards the will.
                if (!(msg.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header
                        && header.reasonCode() == 0x04)) {
                    will = null;
                }
                close(null, null);
            }
            default -> close(disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR), "unsupported packet " + type);
        }
    }

    /**
     * The decoder could not make sense of the input, or {@link MqttPacketValidator} refused it; the decoder discards
     * the rest, so the connection ends here. A v5 client gets the reason code: in a CONNACK if the CONNECT was bad
     * ([MQTT-4.13.1-1] allows it once the decoder has read the protocol level), in a DISCONNECT once connected.
     */
    private void badInput(MqttMessage msg) {
        Throwable cause = msg.decoderResult().cause();
        MqttFixedHeader header = msg.fixedHeader();
        boolean badConnect = state == MqttConnection.AWAITING_CONNECT && header != null
                && header.messageType() == MqttMessageType.CONNECT;
        if (badConnect && (cause instanceof MqttUnacceptableProtocolVersionException
                || cause instanceof MqttIdentifierRejectedException)) {
            MqttConnectReturnCode code = cause instanceof MqttUnacceptableProtocolVersionException
                    ? MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION
                    : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
            close(connAck(code, false, MqttProperties.NO_PROPERTIES), "CONNECT refused: " + cause.getMessage());
            return;
        }
        MqttBadInput bad = MqttBadInput.of(cause);
        MqttMessage answer = null;
        if (badConnect && MqttBadInput.decoderVersion(ctx.channel()) == MqttVersion.MQTT_5) {
            answer = connAck(MqttConnectReturnCode.valueOf(bad.reasonCode()), false, MqttProperties.NO_PROPERTIES);
        } else if (state == MqttConnection.CONNECTED) {
            answer = disconnect(bad.reasonCode());
        }
        close(answer, String.format("bad input (0x%02X): %s", bad.reasonCode(), bad.getMessage()));
    }

    // ---- CONNECT

    private void connect(MqttConnectMessage msg) {
        version = MqttVersion.fromProtocolNameAndLevel(msg.variableHeader().name(),
                (byte) msg.variableHeader().version());
        if (version == MqttVersion.MQTT_3_1) {
            close(connAck(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, false,
                    MqttProperties.NO_PROPERTIES), "CONNECT refused: MQTT 3.1 is not supported");
            return;
        }
        boolean v5 = version == MqttVersion.MQTT_5;
        if (!broker.anonymousAllowed(ctx.channel().remoteAddress())) {
            close(connAck(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, false, MqttProperties.NO_PROPERTIES),
                    "CONNECT refused: anonymous clients are only allowed from loopback addresses with no users "
                            + "configured");
            return;
        }
        boolean cleanStart = msg.variableHeader().isCleanSession();
        String requested = msg.payload().clientIdentifier();
        MqttProperties ackProperties = new MqttProperties();
        if (requested == null || requested.isEmpty()) {
            if (!v5 && !cleanStart) {
                close(connAck(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, false,
                        MqttProperties.NO_PROPERTIES), "CONNECT refused: empty client id without clean session");
                return;
            }
            requested = broker.assignClientId();
            if (v5) {
                ackProperties.add(new MqttProperties.StringProperty(
                        MqttProperties.MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value(), requested));
            }
        }
        clientId = requested;
        int window = broker.settings().deliveryWindow();
        if (v5) {
            MqttProperties properties = msg.variableHeader().properties();
            expiryMillis = intProperty(properties, MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL, 0);
            expiryMillis = expiryMillis == 0xFFFF_FFFFL ? SessionRegistry.NEVER : expiryMillis * 1000;
            window = (int) Math.min(window, intProperty(properties,
                    MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM, DEFAULT_RECEIVE_MAXIMUM));
            ackProperties.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.MAXIMUM_QOS.value(), MqttBroker.MAX_QOS));
            ackProperties.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.SHARED_SUBSCRIPTION_AVAILABLE.value(), 0));
            ackProperties.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE.value(), 0));
            ackProperties.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(), 0));
        } else {
            expiryMillis = cleanStart ? 0 : SessionRegistry.NEVER;
        }
        MqttBroker.Will requestedWill = null;
        if (msg.variableHeader().isWillFlag()) {
            String willTopic = msg.payload().willTopic();
            int willQos = msg.variableHeader().willQos();
            if (willTopic == null || !MqttBroker.validTopicName(willTopic)) {
                close(v5 ? connAck(MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID, false,
                        MqttProperties.NO_PROPERTIES) : null, "CONNECT refused: invalid will topic");
                return;
            }
            if (v5 && willQos > MqttBroker.MAX_QOS) {
                close(connAck(MqttConnectReturnCode.CONNECTION_REFUSED_QOS_NOT_SUPPORTED, false,
                        MqttProperties.NO_PROPERTIES), "CONNECT refused: will at QoS " + willQos);
                return;
            }
            long delaySeconds = v5 ? intProperty(msg.payload().willProperties(),
                    MqttProperties.MqttPropertyType.WILL_DELAY_INTERVAL, 0) : 0;
            byte[] willPayload = msg.payload().willMessageInBytes();
            requestedWill = new MqttBroker.Will(willTopic, Math.min(willQos, MqttBroker.MAX_QOS),
                    msg.variableHeader().isWillRetain(), willPayload == null ? new byte[0] : willPayload,
                    delaySeconds * 1000);
        }
        SessionRegistry.Connected<MqttHandler> connected = broker.connect(clientId, this, cleanStart, expiryMillis);
        session = connected.session();
        will = requestedWill;
        state = MqttConnection.CONNECTED;
        int keepAlive = msg.variableHeader().keepAliveTimeSeconds();
        ctx.pipeline().replace(MqttInitializer.IDLE, MqttInitializer.IDLE, keepAlive == 0
                ? new IdleStateHandler(0, 0, 0)
                : new IdleStateHandler(keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        ctx.writeAndFlush(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED, connected.present(), ackProperties));
        // After CONNACK: deliveries are handed to this event loop, so they are written after it.
        subscription = broker.consume(session, this, Math.max(1, window));
        if (!ctx.channel().isWritable()) {
            subscription.pause();
        }
    }

    /**
     * Write backpressure: no deliveries while the channel's outbound buffer is above its high-water mark. What is
     * already on its way is bounded by the window, since even QoS 0 deliveries stay unacknowledged until written.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (subscription != null && state == MqttConnection.CONNECTED) {
            if (ctx.channel().isWritable()) {
                subscription.resume();
            } else {
                subscription.pause();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    private static long intProperty(MqttProperties properties, MqttProperties.MqttPropertyType type, long fallback) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(type.value());
        return property == null ? fallback : Integer.toUnsignedLong((Integer) property.value());
    }

    /** Another connection took this client id over; runs on any thread. */
    void takenOver() {
        ctx.executor().execute(() -> close(disconnect(MqttReasonCodes.Disconnect.SESSION_TAKEN_OVER),
                "session taken over by another connection"));
    }

    // ---- PUBLISH, client to broker

    private void publish(MqttPublishMessage msg) {
        String topic = msg.variableHeader().topicName();
        int qos = msg.fixedHeader().qosLevel().value();
        int packetId = msg.variableHeader().packetId();
        if (!MqttBroker.validTopicName(topic)) {
            close(disconnect(MqttReasonCodes.Disconnect.TOPIC_NAME_INVALID), "invalid PUBLISH topic '" + topic + "'");
            return;
        }
        if (qos > MqttBroker.MAX_QOS) {
            close(disconnect(MqttReasonCodes.Disconnect.QOS_NOT_SUPPORTED), "PUBLISH at QoS " + qos
                    + ", which this build does not support");
            return;
        }
        if (qos > 0 && packetId == 0) {
            close(disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR), "PUBLISH at QoS " + qos + " with packet id 0");
            return;
        }
        broker.publish(clientId, topic, qos, msg.fixedHeader().isRetain(), ByteBufUtil.getBytes(msg.payload()));
        if (qos == 1) {
            ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(packetId).build());
        }
    }

    // ---- PUBLISH, broker to client

    /** A core delivery from the session's queue; any thread. */
    @Override
    public void deliver(Delivery delivery) {
        ctx.executor().execute(() -> send(delivery));
    }

    @Override
    public void cancelled() {
        ctx.executor().execute(() -> close(null, "session queue deleted"));
    }

    private void send(Delivery delivery) {
        if (state != MqttConnection.CONNECTED) {
            return; // The queue takes it back when the subscription closes.
        }
        Message message = delivery.message();
        String topic = MqttTopics.toMqttTopic(message.routingKey());
        int published = message.properties().get(MqttBroker.QOS) instanceof Integer q ? q : 1;
        int qos = topic == null ? -1 : MqttBroker.deliveryQos(session, topic, published);
        if (qos < 0) {
            subscription.ack(delivery.tag(), false); // No MQTT form, or unsubscribed since it was queued.
            return;
        }
        write(topic, qos, false, delivery.redelivered(), message.payload(), delivery.tag());
    }

    private void write(String topic, int qos, boolean retain, boolean dup, byte[] payload, long tag) {
        int packetId = qos == 0 ? 0 : nextPacketId();
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, dup && qos > 0,
                MqttQoS.valueOf(qos), retain, 0);
        MqttPublishMessage publish = new MqttPublishMessage(header,
                new MqttPublishVariableHeader(topic, packetId),
                Unpooled.wrappedBuffer(payload));
        if (qos == 0) {
            if (tag < 0) {
                ctx.writeAndFlush(publish, ctx.voidPromise());
                return;
            }
            // Acknowledged once written, not when queued: the window then bounds what waits in the channel's buffer.
            Subscription owner = subscription;
            ctx.writeAndFlush(publish).addListener(future -> {
                if (future.isSuccess() && owner == subscription) {
                    owner.ack(tag, false);
                }
            });
        } else {
            inFlight.put(packetId, tag);
            ctx.writeAndFlush(publish);
        }
    }

    private int nextPacketId() {
        for (int i = 0; i < 65_535; i++) {
            lastPacketId = lastPacketId % 65_535 + 1;
            if (!inFlight.containsKey(lastPacketId)) {
                return lastPacketId;
            }
        }
        throw new IllegalStateException("no free packet id");
    }

    private void pubAck(int packetId) {
        Long tag = inFlight.remove(packetId);
        if (tag != null && tag >= 0) {
            subscription.ack(tag, false);
        }
    }

    // ---- SUBSCRIBE, UNSUBSCRIBE

    private void subscribe(MqttSubscribeMessage msg) {
        List<MqttTopicSubscription> wanted = msg.payload().topicSubscriptions();
        List<Integer> codes = new ArrayList<>(wanted.size());
        List<String> granted = new ArrayList<>();
        for (MqttTopicSubscription sub : wanted) {
            String filter = sub.topicFilter();
            if (filter.startsWith("$share/")) {
                codes.add(version == MqttVersion.MQTT_5 ? 0x9E : 0x80); // Shared subscriptions: not yet.
            } else if (!MqttBroker.validFilter(filter)) {
                codes.add(version == MqttVersion.MQTT_5 ? 0x8F : 0x80);
            } else {
                int qos = broker.subscribe(session, filter, sub.qualityOfService().value());
                codes.add(qos);
                granted.add(filter);
            }
        }
        // Built directly: the builder takes MqttQoS values only, which v5 reason codes such as 0x8F are not.
        ctx.writeAndFlush(new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(msg.idAndPropertiesVariableHeader().messageId(),
                        MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes)));
        for (String filter : granted) {
            int qos = session.subscriptions().get(filter).qos();
            for (Message message : broker.retained(filter)) {
                String topic = MqttTopics.toMqttTopic(message.routingKey());
                if (topic != null) {
                    int published = message.properties().get(MqttBroker.QOS) instanceof Integer q ? q : 1;
                    write(topic, Math.min(qos, published), true, false, message.payload(), -1);
                }
            }
        }
    }

    private void unsubscribe(MqttUnsubscribeMessage msg) {
        MqttMessageBuilders.UnsubAckBuilder ack = MqttMessageBuilders.unsubAck()
                .packetId(msg.idAndPropertiesVariableHeader().messageId());
        for (String filter : msg.payload().topics()) {
            boolean existed = broker.unsubscribe(session, filter);
            if (version == MqttVersion.MQTT_5) {
                ack.addReasonCode(existed ? (short) 0x00 : (short) 0x11);
            }
        }
        ctx.writeAndFlush(ack.build());
    }

    // ---- Ending

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            close(disconnect(MqttReasonCodes.Disconnect.KEEP_ALIVE_TIMEOUT),
                    state == MqttConnection.AWAITING_CONNECT ? "no CONNECT in time" : "keep-alive expired");
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close(null, "error: " + cause);
    }

    /**
     * The one way a connection ends: writes {@code last} (if not null and the client speaks MQTT 5 or it is a
     * CONNACK), logs {@code why} (if not null, a normal end otherwise), and closes.
     */
    private void close(MqttMessage last, String why) {
        if (state == MqttConnection.CLOSED) {
            return;
        }
        state = MqttConnection.CLOSED;
        if (why != null) {
            log.info("mqtt {} client '{}': closing, {}", ctx.channel().remoteAddress(), clientId, why);
        }
        boolean send = last != null && (last.fixedHeader().messageType() == MqttMessageType.CONNACK
                || version == MqttVersion.MQTT_5 && session != null);
        if (send) {
            ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        } else {
            ReferenceCountUtil.release(last);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = MqttConnection.CLOSED;
        if (subscription != null) {
            subscription.close();
            subscription = null; // Writes that complete after this are not acknowledged: close() requeued them.
        }
        if (session != null) {
            if (will != null) { // Before the session detaches, so that it is published before the session ends.
                broker.connectionEnded(clientId, will, expiryMillis, ctx.executor());
                will = null;
            }
            broker.disconnected(session, this, expiryMillis);
        }
        inFlight.clear();
        ctx.fireChannelInactive();
    }

    private MqttMessage disconnect(MqttReasonCodes.Disconnect reason) {
        return disconnect(reason.byteValue());
    }

    private static MqttMessage disconnect(byte reason) {
        return MqttMessageBuilders.disconnect().reasonCode(reason).build();
    }

    private static MqttConnAckMessage connAck(MqttConnectReturnCode code, boolean present, MqttProperties props) {
        return MqttMessageBuilders.connAck().returnCode(code).sessionPresent(present).properties(props).build();
    }

    @Override
    public String toString() {
        return "MqttHandler[" + clientId + "]";
    }
}
