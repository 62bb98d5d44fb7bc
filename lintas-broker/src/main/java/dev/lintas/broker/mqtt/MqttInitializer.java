package dev.lintas.broker.mqtt;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The pipeline of both MQTT listener kinds, in one place: MQTT on a TCP socket, and MQTT over WebSocket, where the
 * handlers of {@link MqttWebSocket} carry the HTTP upgrade and turn frames into the same MQTT byte stream. The idle
 * handler first allows the CONNECT timeout (which thus covers the upgrade too); once CONNECT is accepted,
 * {@link MqttHandler} replaces it with one that fires at 1.5 times the client's keep-alive.
 */
public final class MqttInitializer extends ChannelInitializer<SocketChannel> {

    static final String IDLE = "idle";
    static final String DECODER = "mqtt-decoder";
    static final String ENCODER = "mqtt-encoder";
    static final String ADMISSION = "mqtt-admission";
    static final String HANDLER = "mqtt-handler";

    private final MqttBroker broker;
    private final MqttSettings settings;
    private final ChannelGroup connections;
    private final boolean webSocket;

    /** @param connections where each accepted connection is added, so that the broker can close them on stop */
    public MqttInitializer(MqttBroker broker, MqttSettings settings, ChannelGroup connections) {
        this(broker, settings, connections, false);
    }

    private MqttInitializer(MqttBroker broker, MqttSettings settings, ChannelGroup connections, boolean webSocket) {
        this.broker = broker;
        this.settings = settings;
        this.connections = connections;
        this.webSocket = webSocket;
    }

    /** The MQTT-over-WebSocket listener's: an upgrade on {@value MqttWebSocket#PATH} first. */
    public static MqttInitializer webSocket(MqttBroker broker, MqttSettings settings, ChannelGroup connections) {
        return new MqttInitializer(broker, settings, connections, true);
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(IDLE, new IdleStateHandler(settings.connectTimeout().toMillis(), 0, 0,
                TimeUnit.MILLISECONDS));
        if (webSocket) {
            MqttWebSocket.addHandlers(pipeline, settings.maxPacketSize());
        }
        pipeline.addLast(DECODER, new MqttDecoder(settings.maxPacketSize()));
        pipeline.addLast(ENCODER, MqttEncoder.INSTANCE);
        pipeline.addLast(ADMISSION, new MqttAdmission(broker));
        pipeline.addLast(HANDLER, new MqttHandler(broker));
    }
}
