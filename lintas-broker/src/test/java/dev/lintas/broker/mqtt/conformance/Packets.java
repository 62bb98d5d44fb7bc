package dev.lintas.broker.mqtt.conformance;

import java.nio.charset.StandardCharsets;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;

/** The usual packets a client sends, well formed, for 3.1.1 ({@code v5} false) or 5. */
public final class Packets {

    /** Connect Flags: Clean Session (3.1.1) or Clean Start (5). */
    public static final int CLEAN = 0x02;

    private Packets() {
    }

    /**
     * A CONNECT whose variable header is written (protocol name, level, {@code flags}, {@code keepAlive} and, in v5,
     * {@code properties}); the caller writes the payload, which starts with the client id.
     */
    public static PacketBuilder connectHeader(boolean v5, int flags, int keepAlive,
            PacketBuilder.Properties properties) {
        PacketBuilder connect = packet(RawPacket.CONNECT, 0).string("MQTT").u8(v5 ? 5 : 4).u8(flags).u16(keepAlive);
        return v5 ? connect.properties(properties) : connect;
    }

    /** A CONNECT with clean start, a keep-alive of 60 s and no will, user name or password. */
    public static byte[] connect(boolean v5, String clientId) {
        return connectHeader(v5, CLEAN, 60, PacketBuilder.Properties.of()).string(clientId).build();
    }

    public static byte[] publish(boolean v5, int qos, String topic, int packetId, String payload) {
        PacketBuilder publish = packet(RawPacket.PUBLISH, qos << 1).string(topic);
        if (qos > 0) {
            publish.u16(packetId);
        }
        if (v5) {
            publish.noProperties();
        }
        return publish.raw(payload.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** A PUBACK without reason code, which means success in v5 too. */
    public static byte[] pubAck(int packetId) {
        return packet(RawPacket.PUBACK, 0).u16(packetId).build();
    }

    /** A SUBSCRIBE of every filter with the same subscription options (in 3.1.1: the requested QoS). */
    public static byte[] subscribe(boolean v5, int packetId, int options, String... filters) {
        PacketBuilder subscribe = packet(RawPacket.SUBSCRIBE, 0x02).u16(packetId);
        if (v5) {
            subscribe.noProperties();
        }
        for (String filter : filters) {
            subscribe.string(filter).u8(options);
        }
        return subscribe.build();
    }

    public static byte[] unsubscribe(boolean v5, int packetId, String... filters) {
        PacketBuilder unsubscribe = packet(RawPacket.UNSUBSCRIBE, 0x02).u16(packetId);
        if (v5) {
            unsubscribe.noProperties();
        }
        for (String filter : filters) {
            unsubscribe.string(filter);
        }
        return unsubscribe.build();
    }

    public static byte[] pingReq() {
        return packet(RawPacket.PINGREQ, 0).build();
    }

    /** A DISCONNECT; in v5 with {@code reason} and no properties, in 3.1.1 empty (the reason is ignored). */
    public static byte[] disconnect(boolean v5, int reason) {
        PacketBuilder disconnect = packet(RawPacket.DISCONNECT, 0);
        if (v5) {
            disconnect.u8(reason).noProperties();
        }
        return disconnect.build();
    }
}
