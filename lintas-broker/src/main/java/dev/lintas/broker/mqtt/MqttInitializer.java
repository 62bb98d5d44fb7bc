package dev.lintas.broker.mqtt;

import dev.lintas.runtime.tls.ServerTls;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pipeline of both MQTT listener kinds, in one place: MQTT on a TCP socket, and MQTT over WebSocket, where the
 * handlers of {@link MqttWebSocket} come first, carry the HTTP upgrade and turn frames into the same MQTT byte stream.
 * Either kind may have TLS in front ({@link #withTls}), whose handshake must end within the CONNECT timeout.
 * The idle handler, which only sees whole packets, first allows the CONNECT timeout (which thus covers the upgrade
 * too); once CONNECT is accepted, {@link MqttHandler} replaces it with one that fires at 1.5 times the client's
 * keep-alive. {@link MqttFrameGuard} before the decoder and {@link MqttPacketValidator} after it refuse what the
 * decoder lets through. Any {@link Channel} will do, so that tests and the fuzz target can run the same pipeline on an
 * embedded channel.
 */
public final class MqttInitializer extends ChannelInitializer<Channel> {

    static final String IDLE = "idle";
    static final String GUARD = "mqtt-guard";
    static final String DECODER = "mqtt-decoder";
    static final String VALIDATOR = "mqtt-validator";
    static final String ENCODER = "mqtt-encoder";
    static final String ADMISSION = "mqtt-admission";
    static final String HANDLER = "mqtt-handler";

    private final MqttBroker broker;
    private final MqttSettings settings;
    private final ChannelGroup connections;
    private final boolean webSocket;
    /** The TLS context for each new connection, or null for plain text; read once per connection. */
    private final Supplier<SslContext> tls;
    private final String listener;

    /** @param connections where each accepted connection is added, so that the broker can close them on stop */
    public MqttInitializer(MqttBroker broker, MqttSettings settings, ChannelGroup connections) {
        this(broker, settings, connections, false, null, null);
    }

    static final int MAX_READ_BYTES = 8192;

    private MqttInitializer(MqttBroker broker, MqttSettings settings, ChannelGroup connections, boolean webSocket,
            Supplier<SslContext> tls, String listener) {
        this.broker = broker;
        this.settings = settings;
        this.connections = connections;
        this.webSocket = webSocket;
        this.tls = tls;
        this.listener = listener;
    }

    /** The MQTT-over-WebSocket listener's: an upgrade on {@value MqttWebSocket#PATH} first. */
    public static MqttInitializer webSocket(MqttBroker broker, MqttSettings settings, ChannelGroup connections) {
        return new MqttInitializer(broker, settings, connections, true, null, null);
    }

    /**
     * This pipeline behind TLS: each new connection takes the context {@code tls} gives at that moment, so that a
     * reloaded certificate serves new connections while the open ones keep theirs. {@code listener} names the
     * listener in the log line of a failed handshake.
     */
    public MqttInitializer withTls(Supplier<SslContext> tls, String listener) {
        return new MqttInitializer(broker, settings, connections, webSocket, tls, listener);
    }

    /**
     * One read of at most {@value #MAX_READ_BYTES} bytes per connection per event-loop turn (Netty's default is 16
     * reads of up to 64 KiB). A publisher sending flat out then cannot take the turn from the other connections of
     * its event loop, above all from the subscribers its messages are for: what it sent beyond that is read in the
     * next turn, after the deliveries. Without it, 100 publishers flooding one subscriber filled its session queue
     * while the subscriber got a few thousand messages a second.
     */
    static RecvByteBufAllocator fairReads() {
        return new AdaptiveRecvByteBufAllocator(64, 1024, MAX_READ_BYTES).maxMessagesPerRead(1);
    }

    @Override
    protected void initChannel(Channel channel) {
        connections.add(channel);
        channel.config().setRecvByteBufAllocator(fairReads());
        ChannelPipeline pipeline = channel.pipeline();
        if (tls != null) {
            ServerTls.addFirst(pipeline, tls.get(), settings.connectTimeout(), listener);
        }
        if (webSocket) {
            MqttWebSocket.addHandlers(pipeline, settings.maxPacketSize());
        }
        pipeline.addLast(GUARD, new MqttFrameGuard());
        pipeline.addLast(DECODER, new MqttDecoder(settings.maxPacketSize()));
        // After the decoder, so that only whole packets count as activity: a client that sends a packet one byte at a
        // time, or never finishes it, still meets the CONNECT timeout and the keep-alive.
        pipeline.addLast(IDLE, new IdleStateHandler(settings.connectTimeout().toMillis(), 0, 0,
                TimeUnit.MILLISECONDS));
        pipeline.addLast(VALIDATOR, MqttPacketValidator.INSTANCE);
        pipeline.addLast(ENCODER, MqttEncoder.INSTANCE);
        pipeline.addLast(ADMISSION, new MqttAdmission(broker));
        pipeline.addLast(HANDLER, new MqttHandler(broker));
    }
}
