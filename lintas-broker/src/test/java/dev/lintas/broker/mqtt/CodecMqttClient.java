package dev.lintas.broker.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * An MQTT 5 client on a plain socket, for what the real clients will not send or hide: packets are encoded and
 * decoded by Netty's codec in an {@link EmbeddedChannel}, so a test writes exactly the packet it means. Received
 * PUBLISH payloads are copied to heap buffers that need no release.
 */
final class CodecMqttClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final EmbeddedChannel codec = new EmbeddedChannel(MqttEncoder.INSTANCE, new MqttDecoder());

    CodecMqttClient(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects as an MQTT 5 client with clean start and the given CONNECT properties; returns the CONNACK. */
    MqttMessage connect(String clientId, MqttProperties properties) {
        send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId(clientId)
                .cleanSession(true).keepAlive(60).properties(properties).build());
        return receive();
    }

    void send(MqttMessage message) {
        codec.writeOutbound(message);
        try {
            for (ByteBuf buf = codec.readOutbound(); buf != null; buf = codec.readOutbound()) {
                try {
                    out.write(ByteBufUtil.getBytes(buf));
                } finally {
                    buf.release();
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends bytes as they are. */
    void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next packet; fails when none comes within 5 seconds, or the broker closed the connection. */
    MqttMessage receive() {
        MqttMessage next = next();
        if (next == null) {
            throw new IllegalStateException("the broker closed the connection");
        }
        return next;
    }

    /**
     * The reason code of the DISCONNECT the broker sends next, after which it must close the connection; fails if the
     * next packet is not a DISCONNECT.
     */
    byte disconnectReason() {
        MqttMessage next = receive();
        if (next.fixedHeader().messageType() != MqttMessageType.DISCONNECT) {
            throw new IllegalStateException("expected DISCONNECT, got " + next);
        }
        closedByBroker();
        return ((MqttReasonCodeAndPropertiesVariableHeader) next.variableHeader()).reasonCode();
    }

    /** Whether the broker closes the connection before sending anything else. */
    boolean closedByBroker() {
        MqttMessage next = next();
        if (next != null) {
            throw new IllegalStateException("expected the connection to close, got " + next);
        }
        return true;
    }

    private MqttMessage next() {
        byte[] chunk = new byte[4096];
        while (true) {
            Object decoded = codec.readInbound();
            if (decoded != null) {
                return detached((MqttMessage) decoded);
            }
            int read;
            try {
                read = in.read(chunk);
            } catch (SocketTimeoutException e) {
                throw new IllegalStateException("no packet within 5 s", e);
            } catch (IOException e) {
                return null; // reset by the broker
            }
            if (read < 0) {
                return null;
            }
            codec.writeInbound(Unpooled.copiedBuffer(chunk, 0, read));
        }
    }

    /** A PUBLISH with its payload copied to the heap, so that the caller has nothing to release. */
    private static MqttMessage detached(MqttMessage message) {
        if (message instanceof MqttPublishMessage publish) {
            try {
                return publish.replace(Unpooled.wrappedBuffer(ByteBufUtil.getBytes(publish.payload())));
            } finally {
                ReferenceCountUtil.release(publish);
            }
        }
        return message;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            codec.finishAndReleaseAll();
        }
    }
}
