package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Consumer;
import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.MqttTopics;
import dev.lintas.broker.core.RetainedStore;
import dev.lintas.broker.core.Session;
import dev.lintas.broker.core.SessionRegistry;
import dev.lintas.broker.core.Subscription;
import dev.lintas.broker.core.SubscriptionOptions;
import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
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
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT connection: translates packets into {@link MqttBroker} calls and core deliveries into PUBLISH packets.
 * Every way a connection ends goes through {@link #close}, which logs one line; the cleanup (the core subscriptions
 * closed, the session detached) runs once, in {@link #channelInactive}.
 * <p>
 * The MQTT 5 parts live in their own classes, and this one only wires them in: {@link PublishProperties} (message
 * properties to and from the core), {@link TopicAliases}, {@link MatchedSubscriptions} (subscription options and
 * identifiers), {@link PublishEncoder} (the outgoing PUBLISH), {@link ReasonStrings} and {@link EnhancedAuth}.
 * <p>
 * All fields are only touched on the channel's event loop: core deliveries are handed over to it.
 */
final class MqttHandler extends ChannelInboundHandlerAdapter implements Consumer, MqttDeliveries.Sink {

    private static final Logger log = LoggerFactory.getLogger(MqttHandler.class);
    /** The v5 Receive Maximum a client that sends none has. */

    private final MqttBroker broker;
    private ChannelHandlerContext ctx;
    private MqttConnection state = MqttConnection.AWAITING_CONNECT;
    private MqttVersion version = MqttVersion.MQTT_3_1_1;
    private String clientId;
    private Session<MqttHandler> session;
    /** The session's QoS 1 and 2 state (packet ids, held messages), kept by the broker across connections. */
    private MqttSessionState sessionState;
    private Subscription subscription;
    /** The shared subscriptions this connection competes in, each with its own core subscription. */
    private final MqttSharedMembers shared = new MqttSharedMembers();
    private long expiryMillis;
    /** The will from CONNECT; cleared by a normal DISCONNECT, published by the cleanup otherwise. */
    private MqttBroker.Will will;
    /** The outgoing QoS 1 and 2 exchanges, and the pause of the core subscriptions; created with the session. */
    private MqttOutgoing outgoing;
    /** QoS 1 and 2 PUBLISH packets waiting for room under the client's Receive Maximum. */
    private final MqttParked parked = new MqttParked();
    /** The answers to incoming PUBLISH and PUBREL packets, each sent once durable, in order; made with the session. */
    private MqttPublishAcks acks;
    /** The PUBREL answers to PUBREC, each sent once the id awaiting PUBCOMP is durable, in order [MQTT-4.6.0-3]. */
    private MqttPublishAcks releases;
    /** Outgoing QoS 1 and 2 messages awaiting PUBACK or PUBREC: {@code outgoing}'s. */
    private MqttInFlight inFlight;
    /** None until a v5 CONNECT sets them up. */
    private TopicAliases aliases = new TopicAliases(0, 0);
    /** The v5 client's Maximum Packet Size: larger messages are not sent to it, nor reason strings that would grow a
     *  packet past it. */
    private long clientMaxPacketSize = PacketSizes.UNLIMITED;
    private PublishEncoder encoder;
    /** The v5 client's Request Problem Information: whether negative acknowledgements carry a Reason String. */
    private boolean problemInformation = true;
    /** Enhanced authentication, when CONNECT named a method; the CONNECT waits while the exchange is under way. */
    private EnhancedAuth auth;
    private MqttConnectMessage authenticatingConnect;
    /** Core deliveries on their way to the event loop, sent in batches; set when the handler is added. */
    private MqttDeliveries deliveries;
    private final MqttWrittenAcks writtenAcks = new MqttWrittenAcks();
    /** Whether acknowledgements were written during this read and await its end for their flush. */
    private boolean flushAtReadEnd;

    MqttHandler(MqttBroker broker) {
        this.broker = broker;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deliveries = new MqttDeliveries(ctx.executor(), this);
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

    /**
     * The end of a read: the PUBACKs it brought are acknowledged to the core together, and the acknowledgements it
     * wrote get one flush, rather than one each.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (outgoing != null) {
            outgoing.settleAnswered();
        }
        shared.closeRetired();
        if (flushAtReadEnd) {
            flushAtReadEnd = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    /** Writes an acknowledgement of a packet just read; {@link #channelReadComplete} flushes it. */
    private void answer(MqttMessage ack) {
        ctx.write(ack);
        flushAtReadEnd = true;
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
        if (state == MqttConnection.AUTHENTICATING) {
            if (type == MqttMessageType.AUTH) {
                authReceived(msg);
            } else {
                close(connAck(MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, false,
                        MqttProperties.NO_PROPERTIES), type + " during authentication");
            }
            return;
        }
        switch (type) {
            case CONNECT -> close(disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR), "second CONNECT");
            case PUBLISH -> publish((MqttPublishMessage) msg);
            case PUBACK -> {
                outgoing.pubAck(((MqttPubAckMessage) msg).variableHeader().messageId());
                writeParked();
                updateFlow();
            }
            case PUBREL -> pubRel(packetId(msg));
            case PUBREC -> {
                int packetId = packetId(msg);
                int reason = msg.variableHeader() instanceof MqttPubReplyMessageVariableHeader header
                        ? header.reasonCode() & 0xFF : 0;
                MqttBroker.Answered release = broker.pubRec(outgoing, packetId, reason);
                if (release.reason() != null) {
                    releases.add(new MqttPublishAcks.Ack(MqttMessageType.PUBREL, packetId, release.reason(), null),
                            release.durable());
                } else {
                    writeParked(); // A refusing PUBREC ended the exchange: its place is free.
                }
                updateFlow();
            }
            case PUBCOMP -> {
                outgoing.pubComp(packetId(msg));
                writeParked();
                updateFlow();
            }
            case SUBSCRIBE -> subscribe((MqttSubscribeMessage) msg);
            case UNSUBSCRIBE -> unsubscribe((MqttUnsubscribeMessage) msg);
            case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
            case DISCONNECT -> disconnectReceived(msg);
            case AUTH -> authReceived(msg);
            default -> close(disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR), "unsupported packet " + type);
        }
    }

    private void disconnectReceived(MqttMessage msg) {
        if (msg.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header) {
            long seconds = WireProperties.unsigned(header.properties(),
                    MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL, -1);
            if (seconds > 0 && expiryMillis == 0) {
                close(disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR),
                        "DISCONNECT sets a session expiry interval after CONNECT set none");
                return;
            }
            if (seconds >= 0) {
                expiryMillis = seconds == 0xFFFF_FFFFL ? SessionRegistry.NEVER : seconds * 1000;
            }
        }
        // Only a normal disconnection discards the will: every 3.1.1 DISCONNECT, and v5 reason 0x00. A v5 client that
        // disconnects with 0x04 (disconnect with will message) or an error reason keeps it [MQTT-3.1.2-10].
        if (!(version == MqttVersion.MQTT_5 && msg.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader
                header && header.reasonCode() != 0x00)) {
            will = null;
        }
        close(null, null);
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
            version = MqttVersion.MQTT_5; // So that the CONNACK says why, in a Reason String.
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
        String method = version == MqttVersion.MQTT_5 ? (String) WireProperties.value(msg.variableHeader().properties(),
                MqttProperties.MqttPropertyType.AUTHENTICATION_METHOD) : null;
        if (method != null) {
            authenticate(msg, method);
            return;
        }
        accept(msg, null);
    }

    /**
     * Accepts a CONNECT, or refuses it for what is wrong in it.
     *
     * @param authenticated the Authentication Method and Data for the CONNACK after enhanced authentication, or
     *        null: the client then connects anonymously, which only loopback addresses may
     */
    private void accept(MqttConnectMessage msg, MqttProperties authenticated) {
        boolean v5 = version == MqttVersion.MQTT_5;
        boolean cleanStart = msg.variableHeader().isCleanSession();
        String requested = msg.payload().clientIdentifier();
        MqttProperties ackProperties = new MqttProperties();
        if (authenticated != null) {
            authenticated.listAll().forEach(ackProperties::add);
        }
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
        MqttConnectRead read = MqttConnectRequest.read(msg, v5, broker.limits());
        if (read instanceof MqttConnectRequest.Refusal refusal) {
            close(refusal.code() == null ? null : connAck(refusal.code(), false, MqttProperties.NO_PROPERTIES),
                    refusal.why());
            return;
        }
        MqttConnectRequest request = (MqttConnectRequest) read;
        expiryMillis = request.expiryMillis();
        int window = Math.min(broker.settings().deliveryWindow(), request.receiveMaximum());
        clientMaxPacketSize = request.maxPacketSize();
        problemInformation = request.problemInformation();
        if (v5) {
            MqttConnectRequest.addServerProperties(ackProperties, broker.settings());
            aliases = new TopicAliases(broker.settings().topicAliasMaximum(), request.topicAliasMaximum());
        }
        MqttBroker.Will requestedWill = request.will();
        encoder = new PublishEncoder(v5, aliases, clientMaxPacketSize);
        SessionRegistry.Connected<MqttHandler> connected = broker.connect(clientId, this, cleanStart, expiryMillis);
        session = connected.session();
        sessionState = broker.state(session);
        outgoing = new MqttOutgoing(sessionState, Math.max(1, window));
        inFlight = outgoing.inFlight();
        MqttPublishAcks.Writer answers = new MqttPublishAcks.Writer() {
            @Override
            public void write(MqttPublishAcks.Ack ack, Throwable failure) {
                writeAck(ack, failure);
            }

            @Override
            public void flush() {
                ctx.flush();
            }
        };
        acks = new MqttPublishAcks(ctx.executor(), answers);
        releases = new MqttPublishAcks(ctx.executor(), answers);
        will = requestedWill;
        state = MqttConnection.CONNECTED;
        int keepAlive = msg.variableHeader().keepAliveTimeSeconds();
        int maxKeepAlive = broker.settings().maxKeepAliveSeconds();
        if (v5 && maxKeepAlive > 0 && (keepAlive == 0 || keepAlive > maxKeepAlive)) {
            keepAlive = maxKeepAlive; // 3.1.1 has no way to tell the client, so it keeps what it asked for.
            ackProperties.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.SERVER_KEEP_ALIVE.value(), keepAlive));
        }
        ctx.pipeline().replace(MqttInitializer.IDLE, MqttInitializer.IDLE, keepAlive == 0
                ? new IdleStateHandler(0, 0, 0)
                : new IdleStateHandler(keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        if (v5) { // Last, so that it is measured against the client's Maximum Packet Size with all the others.
            ResponseInformation.addTo(ackProperties, broker.settings().responseInformation(),
                    msg.variableHeader().properties(), clientId, clientMaxPacketSize);
        }
        ctx.writeAndFlush(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED, connected.present(), ackProperties));
        outgoing.releasesToResend().forEach(ctx::write);
        writeHeld();
        ctx.flush();
        // After CONNACK: deliveries are handed to this event loop, so they are written after it.
        subscription = broker.consume(session, this, Math.max(1, window));
        for (String filter : session.subscriptions().keySet()) {
            MqttSharedGroups.Shared group = MqttSharedGroups.Shared.parse(filter);
            if (group != null) {
                joinShared(filter, group);
            }
        }
        updateFlow();
    }

    /** Competes for the messages of a shared subscription's queue, unless this connection does already. */
    private void joinShared(String filter, MqttSharedGroups.Shared group) {
        shared.join(filter, group, member -> {
            Subscription joined = broker.consumeShared(session, group,
                    delivery -> deliveries.add(member, delivery), outgoing.window());
            if (outgoing.paused()) {
                joined.pause();
            }
            return joined;
        });
    }

    /** Re-sends, with DUP and their packet ids, the messages the session holds for its client; any thread. */
    void resendHeld() {
        ctx.executor().execute(() -> {
            writeHeld();
            ctx.flush();
            updateFlow();
        });
    }

    private void writeHeld() {
        if (state != MqttConnection.CONNECTED) {
            return;
        }
        for (MqttInFlight.Outgoing held : sessionState.takeHeld()) {
            // Sent once already, so never expired now [MQTT-3.3.2-5, MQTT-4.3.3-7]; no PUBLISH has its id: the
            // session never gives a held id to a new one, on any connection.
            write(held.topic(), held.qos(), held.retain(), true, held.message(), held.expiresAtMillis(),
                    held.subscriptionIds(), -1, null, held.packetId());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateFlow();
        ctx.fireChannelWritabilityChanged();
    }

    private void updateFlow() {
        if (subscription != null && state == MqttConnection.CONNECTED) {
            List<Subscription> all = new ArrayList<>(shared.subscriptions());
            all.add(subscription);
            outgoing.updateFlow(ctx.channel().isWritable(), all);
        }
    }

    // ---- AUTH (MQTT 5 enhanced authentication)

    private void authenticate(MqttConnectMessage msg, String method) {
        MqttAuthenticator authenticator = broker.authenticator(method);
        if (authenticator == null) {
            close(connAck(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD, false,
                    MqttProperties.NO_PROPERTIES), "CONNECT refused: no authenticator for method '" + method + "'");
            return;
        }
        auth = new EnhancedAuth(authenticator);
        authenticatingConnect = msg;
        String requested = msg.payload().clientIdentifier();
        byte[] data = (byte[]) WireProperties.value(msg.variableHeader().properties(),
                MqttProperties.MqttPropertyType.AUTHENTICATION_DATA);
        authStep(auth.start(requested == null ? "" : requested, data));
    }

    private void authReceived(MqttMessage msg) {
        boolean connected = state == MqttConnection.CONNECTED;
        String violation = auth == null ? "AUTH on a connection without enhanced authentication"
                : auth.violation(msg, connected);
        if (violation != null) {
            close(connected ? disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR)
                    : connAck(MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, false,
                            MqttProperties.NO_PROPERTIES), violation);
            return;
        }
        String id = connected ? clientId : authenticatingConnect.payload().clientIdentifier();
        authStep(auth.answer(msg, id == null ? "" : id));
    }

    /** Acts on one round of an exchange: at CONNECT (state AUTHENTICATING) or a re-authentication (CONNECTED). */
    private void authStep(MqttAuthenticator.Step step) {
        boolean connected = state == MqttConnection.CONNECTED;
        switch (step) {
            case MqttAuthenticator.Success success -> {
                if (connected) {
                    ctx.writeAndFlush(auth.authPacket(EnhancedAuth.SUCCESS, success.data()));
                } else {
                    MqttConnectMessage connect = authenticatingConnect;
                    authenticatingConnect = null;
                    accept(connect, auth.properties(success.data()));
                }
            }
            case MqttAuthenticator.Continue more -> {
                if (!connected) {
                    state = MqttConnection.AUTHENTICATING;
                }
                ctx.writeAndFlush(auth.authPacket(EnhancedAuth.CONTINUE, more.data()));
            }
            case MqttAuthenticator.Failure failure -> close(connected
                    ? disconnect(MqttReasonCodes.Disconnect.NOT_AUTHORIZED)
                    : connAck(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5, false,
                            MqttProperties.NO_PROPERTIES),
                    (connected ? "re-authentication" : "authentication") + " with " + auth.method() + " failed: "
                            + failure.reason());
        }
    }

    /** Another connection took this client id over; runs on any thread. */
    void takenOver() {
        ctx.executor().execute(() -> close(disconnect(MqttReasonCodes.Disconnect.SESSION_TAKEN_OVER),
                "session taken over by another connection"));
    }

    // ---- PUBLISH, client to broker

    private void publish(MqttPublishMessage msg) {
        MqttProperties.MqttProperty<?> alias = msg.variableHeader().properties()
                .getProperty(MqttProperties.MqttPropertyType.TOPIC_ALIAS.value());
        String topic;
        switch (aliases.resolve(msg.variableHeader().topicName(), alias == null ? -1 : (Integer) alias.value())) {
            case TopicAliases.Topic resolved -> topic = resolved.name();
            case TopicAliases.Refusal refusal -> {
                close(disconnect(refusal.reason()), refusal.why());
                return;
            }
        }
        int qos = msg.fixedHeader().qosLevel().value();
        int packetId = msg.variableHeader().packetId();
        if (!MqttBroker.validTopicName(topic)) {
            close(disconnect(MqttReasonCodes.Disconnect.TOPIC_NAME_INVALID), "invalid PUBLISH topic '" + topic + "'");
            return;
        }
        if (!broker.limits().topicAllowed(topic)) {
            close(disconnect(MqttReasonCodes.Disconnect.TOPIC_NAME_INVALID), "PUBLISH topic over the topic limits");
            return;
        }
        if (qos > 0 && packetId == 0) {
            close(disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR), "PUBLISH at QoS " + qos + " with packet id 0");
            return;
        }
        // PUBACKs waiting for the disk and QoS 2 ids awaiting PUBREL use the quota.
        boolean resent = qos == 2 && session.awaitingRelease().contains(packetId);
        if (qos > 0 && !resent && version == MqttVersion.MQTT_5 && session.awaitingRelease().size()
                + acks.pendingPubAcks() >= broker.settings().receiveMaximum()) {
            close(disconnect(MqttReasonCodes.Disconnect.RECEIVE_MAXIMUM_EXCEEDED), "more than "
                    + broker.settings().receiveMaximum() + " incoming QoS 1 and 2 messages unfinished");
            return;
        }
        byte[] payload = ByteBufUtil.getBytes(msg.payload());
        PublishProperties properties = version == MqttVersion.MQTT_5
                ? PublishProperties.fromWire(msg.variableHeader().properties()) : PublishProperties.NONE;
        if (!resent && !properties.payloadValid(payload)) {
            refusePublish(qos, packetId, MqttReasonCodes.PubAck.PAYLOAD_FORMAT_INVALID.byteValue(),
                    "PUBLISH payload is not the UTF-8 its Payload Format Indicator says");
            return;
        }
        CompletionStage<Void> durable = broker.publish(session, sessionState, topic, qos, packetId,
                msg.fixedHeader().isRetain(), payload, properties);
        if (qos > 0) { // Answered once durable, in turn.
            acks.add(new MqttPublishAcks.Ack(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId,
                    (byte) 0, null), durable);
        }
    }

    /** The end of an incoming QoS 2 exchange; the message was published when it came. PUBCOMP waits for the disk. */
    private void pubRel(int packetId) {
        MqttBroker.Released released = broker.release(session, sessionState, packetId);
        byte reason = released.known() ? MqttReasonCodes.PubComp.SUCCESS.byteValue()
                : MqttReasonCodes.PubComp.PACKET_IDENTIFIER_NOT_FOUND.byteValue();
        acks.add(new MqttPublishAcks.Ack(MqttMessageType.PUBCOMP, packetId, reason, null), released.durable());
    }

    /**
     * Refuses one PUBLISH but keeps the connection: PUBACK (QoS 1) or PUBREC (QoS 2) with {@code reason}, in turn;
     * at QoS 0, which has no acknowledgement, a DISCONNECT with the same reason.
     */
    private void refusePublish(int qos, int packetId, byte reason, String why) {
        if (qos == 0) {
            close(disconnect(reason), why);
            return;
        }
        acks.add(new MqttPublishAcks.Ack(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId,
                reason, why));
    }

    /**
     * Writes an answer to a PUBLISH or PUBREL in its turn. One whose publish (or release) the store could not write
     * is not acknowledged: MQTT 5 gets PUBACK or PUBREC 0x97 (quota exceeded) with a Reason String, and the QoS 2 id
     * is forgotten, so a re-send is published anew; MQTT 3.1.1, which has no negative acknowledgement, and a failed
     * PUBCOMP end the connection.
     */
    private void writeAck(MqttPublishAcks.Ack ack, Throwable failure) {
        MqttMessageType type = ack.type();
        if (failure != null && type == MqttMessageType.PUBREC) {
            broker.release(session, sessionState, ack.packetId());
        }
        if (state != MqttConnection.CONNECTED) {
            return; // The client re-sends what was not answered.
        }
        byte reason = ack.reason();
        String why = ack.why();
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            why = "the broker could not store the message: " + cause.getMessage();
            if (version != MqttVersion.MQTT_5 || type == MqttMessageType.PUBCOMP || type == MqttMessageType.PUBREL) {
                close(null, type + " " + ack.packetId() + " not sent, " + why);
                return;
            }
            reason = MqttReasonCodes.PubAck.QUOTA_EXCEEDED.byteValue();
        }
        if (why == null) {
            answer(type == MqttMessageType.PUBACK ? MqttMessageBuilders.pubAck().packetId(ack.packetId()).build()
                    : MqttOutgoing.pubReply(type, ack.packetId(), reason));
            return;
        }
        log.debug("mqtt client '{}': PUBLISH refused with 0x{}, {}", clientId, Integer.toHexString(reason), why);
        MqttFixedHeader header = new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, 0);
        answer(new MqttMessage(header, new MqttPubReplyMessageVariableHeader(ack.packetId(), reason,
                ReasonStrings.forAck(why, problemInformation, 3, clientMaxPacketSize))));
    }

    // ---- PUBLISH, broker to client

    /** A core delivery from the session's queue; any thread. */
    @Override
    public void deliver(Delivery delivery) {
        deliveries.add(null, delivery);
    }

    @Override
    public void send(MqttDeliveries.Handoff handoff) {
        if (handoff.member() == null) {
            send(handoff.delivery());
        } else {
            sendShared(handoff.member(), handoff.delivery());
        }
    }

    /** The end of a batch of deliveries: one flush, one acknowledgement of its QoS 0 messages, one flow check. */
    @Override
    public void batchEnded() {
        ctx.flush();
        writtenAcks.batchEnded(() -> state == MqttConnection.CONNECTED);
        shared.closeRetired();
        updateFlow();
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
        MatchedSubscriptions matched = topic == null ? null : MatchedSubscriptions.of(session, topic, message);
        forward(delivery, subscription, topic, matched);
    }

    /** A delivery from a shared subscription's queue, with that subscription's options (not the session's filters). */
    private void sendShared(MqttSharedMembers.Member member, Delivery delivery) {
        if (state != MqttConnection.CONNECTED) {
            return; // The group's queue takes it back when the subscription closes.
        }
        if (!member.active) {
            member.subscription.nack(delivery.tag(), false, true); // Unsubscribed: it goes to another member.
            return;
        }
        SubscriptionOptions options = session.subscriptions().get(member.filter);
        String topic = MqttTopics.toMqttTopic(delivery.message().routingKey());
        MatchedSubscriptions matched = topic == null || options == null ? null
                : MatchedSubscriptions.ofShared(options, delivery.message());
        forward(delivery, member.subscription, topic, matched);
    }

    private void forward(Delivery delivery, Subscription from, String topic, MatchedSubscriptions matched) {
        Message message = delivery.message();
        // A message sent before the last connection ended keeps its packet id, so the client sees the duplicate.
        int packetId = matched != null && matched.qos() > 0 && delivery.redelivered()
                ? sessionState.resendId(message.id()) : -1;
        // One sent already is not expired any more [MQTT-3.3.2-5, MQTT-4.3.3-7].
        if (matched == null || packetId < 0 && delivery.expiresAtMillis() < broker.now()) {
            // No MQTT form, unsubscribed since it was queued, only no-local subscriptions and our own message, or
            // expired on its way to this event loop.
            from.ack(delivery.tag(), false);
            return;
        }
        write(topic, matched.qos(), matched.retain(), delivery.redelivered(), message, delivery.expiresAtMillis(),
                matched.subscriptionIds(), delivery.tag(), from, packetId);
    }

    /**
     * Writes a PUBLISH, without a flush: the caller flushes (a batch of deliveries, once at its end). At QoS 1 and 2
     * it is remembered until answered; at QoS 0 a core delivery is acknowledged with its batch, once written. One
     * larger than the client's Maximum Packet Size is discarded (and its delivery acknowledged), as MQTT 5 says.
     *
     * @param tag the core delivery, acknowledged once written (QoS 0) or answered; -1 for none
     * @param packetId the packet id to keep for a re-send, or -1 to take a new one
     */
    private void write(String topic, int qos, boolean retain, boolean dup, Message message, long expiresAtMillis,
            List<Integer> subscriptionIds, long tag, Subscription from, int packetId) {
        if (qos > 0 && parked.mustWait(outgoing.full())) {
            // The client's Receive Maximum is reached: it waits, in order, for a PUBACK or PUBCOMP.
            parked.park(new MqttInFlight.Outgoing(packetId, qos, tag, from, topic, retain, message, expiresAtMillis,
                    subscriptionIds), dup);
            return;
        }
        int kept = packetId;
        // A QoS 2 PUBLISH of a persistent message waits for its packet id's record, so later ones may go out first:
        // it uses no Topic Alias, which they could otherwise use before the client has seen it set.
        boolean waitsForStore = qos == 2 && message.persistent() && broker.durable();
        MqttPublishMessage publish = encoder.encode(topic, qos, retain, dup, message, expiresAtMillis, broker.now(),
                subscriptionIds, () -> kept > 0 && inFlight.take(kept) ? kept : inFlight.nextPacketId(),
                !waitsForStore);
        if (publish == null) {
            log.debug("mqtt client '{}': PUBLISH to '{}' discarded, above the client's Maximum Packet Size",
                    clientId, topic);
            if (tag >= 0) {
                from.ack(tag, false);
            } else if (packetId > 0) {
                sessionState.dropHeld(packetId); // a held re-send: forgotten, in the store too
            }
            return;
        }
        broker.metrics().sent(qos);
        packetId = publish.variableHeader().packetId();
        if (qos == 0) {
            if (tag < 0) {
                ctx.write(publish, ctx.voidPromise());
            } else {
                writtenAcks.written(from, tag, ctx.write(publish));
            }
        } else {
            MqttInFlight.Outgoing sent = new MqttInFlight.Outgoing(packetId, qos, tag, from, topic, retain, message,
                    expiresAtMillis, subscriptionIds);
            inFlight.add(sent);
            if (qos == 2) {
                // The store keeps the packet id for a re-send; the PUBLISH waits until that is on disk.
                boolean fromShared = from != null && !from.queue().equals(session.queue());
                CompletableFuture<Void> idKept = broker.sent(sessionState, sent, fromShared).toCompletableFuture();
                if (!idKept.isDone() || idKept.isCompletedExceptionally()) {
                    writeWhenKept(publish, packetId, idKept);
                    return;
                }
            }
            ctx.write(publish, ctx.voidPromise());
        }
    }

    /**
     * Writes a QoS 2 PUBLISH once its packet id is durable, on this event loop. Other PUBLISH packets may pass it,
     * which MQTT allows across QoS levels; QoS 2 ones keep their order, since the store completes in order. If the id
     * could not be stored, the connection ends and the message goes back to the queue.
     */
    private void writeWhenKept(MqttPublishMessage publish, int packetId, CompletableFuture<Void> kept) {
        try {
            kept.whenCompleteAsync((ignored, failure) -> {
                if (state != MqttConnection.CONNECTED) {
                    ReferenceCountUtil.release(publish); // Back in the queue with the connection's end.
                } else if (failure != null) {
                    ReferenceCountUtil.release(publish);
                    close(disconnect(MqttReasonCodes.Disconnect.UNSPECIFIED_ERROR), "QoS 2 PUBLISH " + packetId
                            + " not sent, the broker could not store its packet id: " + failure);
                } else {
                    ctx.writeAndFlush(publish, ctx.voidPromise());
                }
            }, ctx.executor());
        } catch (RejectedExecutionException e) {
            ReferenceCountUtil.release(publish); // The event loop is shutting down, and the connection with it.
        }
    }

    /** Writes the parked QoS 1 and 2 PUBLISH packets, in order, while the client's Receive Maximum has room. */
    private void writeParked() {
        if (parked.replay(() -> !outgoing.full() && state == MqttConnection.CONNECTED, next -> {
            MqttInFlight.Outgoing waiting = next.publish();
            write(waiting.topic(), waiting.qos(), waiting.retain(), next.dup(), waiting.message(),
                    waiting.expiresAtMillis(), waiting.subscriptionIds(), waiting.tag(), waiting.from(),
                    waiting.packetId());
        })) {
            flushAtReadEnd = true;
        }
    }

    private static int packetId(MqttMessage msg) {
        return ((MqttMessageIdVariableHeader) msg.variableHeader()).messageId();
    }

    // ---- SUBSCRIBE, UNSUBSCRIBE

    private void subscribe(MqttSubscribeMessage msg) {
        MqttSubscribeRequest request = new MqttSubscribeRequest(msg, version == MqttVersion.MQTT_5);
        String violation = request.violation();
        if (violation != null) {
            close(disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR), violation);
            return;
        }
        int subscriptionId = request.subscriptionId();
        List<Runnable> retainedSends = new ArrayList<>();
        for (MqttTopicSubscription sub : msg.payload().topicSubscriptions()) {
            String filter = sub.topicFilter();
            MqttSharedGroups.Shared group = MqttSharedGroups.Shared.parse(filter);
            if (request.refuses(filter, group,
                    broker.limits().filterRefusal(session, filter, version == MqttVersion.MQTT_5))) {
                continue;
            }
            MqttSubscriptionOption option = sub.option();
            MqttBroker.Subscribed subscribed = broker.subscribe(session, filter, new SubscriptionOptions(
                    option.qos().value(), option.isNoLocal(), option.isRetainAsPublished(),
                    option.retainHandling().value(), subscriptionId));
            request.granted(subscribed.options().qos());
            if (group == null) {
                retainedSends.add(retainedSend(filter, subscribed));
            } else {
                joinShared(filter, group); // No retained messages for a shared subscription (MQTT 5 4.8.2).
            }
        }
        ctx.writeAndFlush(request.subAck(problemInformation, clientMaxPacketSize));
        retainedSends.forEach(Runnable::run);
        ctx.flush();
        updateFlow();
    }

    /**
     * Sends the retained messages a subscription gets, as its Retain Handling says: always, only when new, or never.
     * They are looked up now, before the SUBACK goes out: a client that publishes once it has the SUBACK then gets
     * its message live, not also as a retained one.
     */
    private Runnable retainedSend(String filter, MqttBroker.Subscribed subscribed) {
        SubscriptionOptions options = subscribed.options();
        if (options.retainHandling() == 2 || options.retainHandling() == 1 && subscribed.existed()) {
            return () -> { };
        }
        List<RetainedStore.Retained> found = broker.retained(filter);
        List<Integer> ids = options.subscriptionId() > 0 ? List.of(options.subscriptionId()) : List.of();
        return () -> {
            for (RetainedStore.Retained retained : found) {
                Message message = retained.message();
                String topic = MqttTopics.toMqttTopic(message.routingKey());
                if (topic != null) {
                    int published = message.properties().get(MqttBroker.QOS) instanceof Integer q ? q : 1;
                    write(topic, Math.min(options.qos(), published), true, false, message,
                            retained.expiresAtMillis(), ids, -1, null, -1);
                }
            }
        };
    }

    private void unsubscribe(MqttUnsubscribeMessage msg) {
        MqttMessageBuilders.UnsubAckBuilder ack = MqttMessageBuilders.unsubAck()
                .packetId(msg.idAndPropertiesVariableHeader().messageId());
        for (String filter : msg.payload().topics()) {
            shared.retire(filter);
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
                    state == MqttConnection.CONNECTED ? "keep-alive expired" : "no CONNECT in time");
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
            if (last != null && version == MqttVersion.MQTT_5) {
                last = ReasonStrings.addTo(last, why, clientMaxPacketSize);
            }
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
        if (sessionState != null) {
            parked.connectionEnded(sessionState); // Deliveries go back with the subscriptions' close below.
        }
        if (outgoing != null) {
            outgoing.connectionEnded(subscription);
        }
        if (subscription != null) {
            subscription.close();
            subscription = null; // Writes that complete after this are not acknowledged: close() requeued them.
        }
        shared.closeAll();
        if (session != null) {
            if (will != null) { // Before the session detaches, so that it is published before the session ends.
                broker.connectionEnded(session, will, expiryMillis, ctx.executor());
                will = null;
            }
            broker.disconnected(session, this, expiryMillis);
            MqttHandler next = broker.holder(session);
            if (sessionState.heldCount() > 0 && next != null && next != this) {
                next.resendHeld(); // A takeover: the connection that took the session over completes them.
            }
        }
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
