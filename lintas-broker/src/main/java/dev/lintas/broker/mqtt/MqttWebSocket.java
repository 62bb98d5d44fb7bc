package dev.lintas.broker.mqtt;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * The WebSocket part of the MQTT-over-WebSocket listener's pipeline: HTTP until the upgrade on {@value #PATH} (with
 * subprotocol {@code mqtt}, or the older names {@code mqttv3.1} and {@code mqttv3.1.1}), then binary frames whose
 * payloads are the MQTT byte stream ({@link MqttWebSocketFrames}). The MQTT decoder after it accumulates bytes, so a
 * packet may span frames and a frame may hold several packets. Any other request gets 404
 * ({@link MqttWebSocketNotFound}).
 */
final class MqttWebSocket {

    /** The path clients upgrade on, as most MQTT clients and brokers use. */
    static final String PATH = "/mqtt";
    static final String SUBPROTOCOLS = "mqtt,mqttv3.1,mqttv3.1.1";
    /** A handshake is a GET with headers only, so the aggregator needs little room. */
    private static final int MAX_HANDSHAKE_BODY = 8192;

    static final String HTTP = "http";
    static final String HTTP_AGGREGATOR = "http-aggregator";
    static final String WEBSOCKET = "websocket";
    static final String NOT_FOUND = "not-found";
    static final String FRAMES = "websocket-frames";

    private MqttWebSocket() {
    }

    /** Adds the handlers from HTTP to MQTT bytes; a frame carries at most {@code maxFrame} bytes. */
    static void addHandlers(ChannelPipeline pipeline, int maxFrame) {
        pipeline.addLast(HTTP, new HttpServerCodec());
        pipeline.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_HANDSHAKE_BODY));
        pipeline.addLast(WEBSOCKET, new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH)
                .checkStartsWith(true) // "/mqtt?..." too, but not "/mqttx"
                .subprotocols(SUBPROTOCOLS)
                .handleCloseFrames(true)
                .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxFrame).build())
                .build()));
        pipeline.addLast(NOT_FOUND, new MqttWebSocketNotFound());
        pipeline.addLast(FRAMES, new MqttWebSocketFrames());
    }
}
