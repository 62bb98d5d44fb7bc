package dev.lintas.broker.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An MQTT client written as bytes on a socket, for the edge cases a real client library never produces: a PUBLISH
 * re-sent with DUP, a PUBREL for an unknown id, a PUBREC that never comes. It writes what it is told and reads whole
 * packets; it has no logic of its own.
 */
final class RawMqttClient implements AutoCloseable {

    static final int CONNACK = 2;
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int PUBREC = 5;
    static final int PUBREL = 6;
    static final int PUBCOMP = 7;
    static final int SUBACK = 9;
    static final int PINGRESP = 13;
    static final int DISCONNECT = 14;

    /** One packet as read: its type, the flags of its first byte, and what follows the remaining length. */
    record Packet(int type, int flags, byte[] body) {

        int packetId() {
            return (body[0] & 0xFF) << 8 | body[1] & 0xFF;
        }

        /** The reason code of a v5 PUBACK, PUBREC, PUBREL or PUBCOMP (0 when left out), or of a DISCONNECT. */
        int reasonCode() {
            if (type == DISCONNECT) {
                return body.length == 0 ? 0 : body[0] & 0xFF;
            }
            return body.length > 2 ? body[2] & 0xFF : 0;
        }

        boolean dup() {
            return (flags & 0x08) != 0;
        }

        int qos() {
            return flags >> 1 & 3;
        }

        /** The topic of a PUBLISH. */
        String topic() {
            int length = (body[0] & 0xFF) << 8 | body[1] & 0xFF;
            return new String(body, 2, length, StandardCharsets.UTF_8);
        }

        /** The packet id of a QoS 1 or 2 PUBLISH. */
        int publishId() {
            int at = 2 + ((body[0] & 0xFF) << 8 | body[1] & 0xFF);
            return (body[at] & 0xFF) << 8 | body[at + 1] & 0xFF;
        }

        /** The payload of a QoS 1 or 2 PUBLISH, skipping v5 properties when {@code v5}. */
        String payload(boolean v5) {
            int at = 2 + ((body[0] & 0xFF) << 8 | body[1] & 0xFF) + (qos() > 0 ? 2 : 0);
            if (v5) {
                int length = 0;
                int shift = 0;
                int b;
                do {
                    b = body[at++] & 0xFF;
                    length |= (b & 0x7F) << shift;
                    shift += 7;
                } while ((b & 0x80) != 0);
                at += length;
            }
            return new String(body, at, body.length - at, StandardCharsets.UTF_8);
        }

        /** The Message Expiry Interval of a v5 QoS 1 or 2 PUBLISH, or -1 when it has none. */
        long messageExpiry() {
            List<long[]> found = properties(0x02);
            return found.isEmpty() ? -1 : found.get(0)[1];
        }

        /** The Subscription Identifiers of a v5 QoS 1 or 2 PUBLISH. */
        List<Integer> subscriptionIds() {
            return properties(0x0B).stream().map(property -> (int) property[1]).toList();
        }

        /** The numeric properties with {@code id} of a v5 QoS 1 or 2 PUBLISH, as (id, value) pairs. */
        private List<long[]> properties(int id) {
            int[] at = {2 + ((body[0] & 0xFF) << 8 | body[1] & 0xFF) + 2};
            int end = variableInt(at);
            end += at[0];
            List<long[]> found = new ArrayList<>();
            while (at[0] < end) {
                int property = body[at[0]++] & 0xFF;
                long value = switch (property) {
                    case 0x01 -> body[at[0]++] & 0xFF;
                    case 0x02 -> {
                        long seconds = 0;
                        for (int i = 0; i < 4; i++) {
                            seconds = seconds << 8 | body[at[0]++] & 0xFF;
                        }
                        yield seconds;
                    }
                    case 0x03, 0x08, 0x09 -> { // a string or binary data: skipped
                        at[0] += 2 + ((body[at[0]] & 0xFF) << 8 | body[at[0] + 1] & 0xFF);
                        yield -1;
                    }
                    case 0x0B -> variableInt(at);
                    case 0x23 -> {
                        at[0] += 2;
                        yield (body[at[0] - 2] & 0xFF) << 8 | body[at[0] - 1] & 0xFF;
                    }
                    case 0x26 -> { // a user property: two strings, skipped
                        for (int i = 0; i < 2; i++) {
                            at[0] += 2 + ((body[at[0]] & 0xFF) << 8 | body[at[0] + 1] & 0xFF);
                        }
                        yield -1;
                    }
                    default -> throw new IllegalStateException("unexpected PUBLISH property " + property);
                };
                if (property == id) {
                    found.add(new long[] {property, value});
                }
            }
            return found;
        }

        /** Reads a Variable Byte Integer at {@code at[0]}, moving it on. */
        private int variableInt(int[] at) {
            int value = 0;
            int shift = 0;
            int b;
            do {
                b = body[at[0]++] & 0xFF;
                value |= (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            return value;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final boolean v5;

    private RawMqttClient(int port, boolean v5) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.v5 = v5;
    }

    /**
     * Connects and returns once CONNACK came.
     *
     * @param sessionExpiry v5 Session Expiry Interval in seconds; in 3.1.1, any value above 0 means a persistent
     *        session
     * @param receiveMaximum the v5 Receive Maximum sent, or 0 to send none
     */
    static RawMqttClient connect(int port, String clientId, boolean v5, boolean cleanStart, int sessionExpiry,
            int receiveMaximum) throws IOException {
        RawMqttClient client = new RawMqttClient(port, v5);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(v5 ? 5 : 4);
        body.write(cleanStart || !v5 && sessionExpiry == 0 ? 0x02 : 0x00);
        body.write(0);
        body.write(0); // no keep-alive
        if (v5) {
            ByteArrayOutputStream properties = new ByteArrayOutputStream();
            if (sessionExpiry > 0) {
                properties.write(0x11);
                properties.write(sessionExpiry >>> 24);
                properties.write(sessionExpiry >>> 16);
                properties.write(sessionExpiry >>> 8);
                properties.write(sessionExpiry);
            }
            if (receiveMaximum > 0) {
                properties.write(0x21);
                properties.write(receiveMaximum >>> 8);
                properties.write(receiveMaximum);
            }
            writeLength(body, properties.size());
            properties.writeTo(body);
        }
        writeString(body, clientId);
        client.send(0x10, body.toByteArray());
        Packet ack = client.read();
        if (ack.type() != CONNACK) {
            throw new IOException("expected CONNACK, got packet type " + ack.type());
        }
        client.connAck = ack;
        return client;
    }

    private Packet connAck;

    /** Whether the broker said it had the session already. */
    boolean sessionPresent() {
        return (connAck.body()[0] & 1) != 0;
    }

    void publish(String topic, int qos, int packetId, boolean dup, String payload) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        if (qos > 0) {
            writeShort(body, packetId);
        }
        if (v5) {
            body.write(0);
        }
        body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        send(0x30 | (dup ? 0x08 : 0) | qos << 1, body.toByteArray());
    }

    void subscribe(int packetId, String filter, int qos) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeShort(body, packetId);
        if (v5) {
            body.write(0);
        }
        writeString(body, filter);
        body.write(qos);
        send(0x82, body.toByteArray());
    }

    /** A v5 SUBSCRIBE of one filter with a Subscription Identifier. */
    void subscribe(int packetId, String filter, int qos, int subscriptionId) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeShort(body, packetId);
        ByteArrayOutputStream properties = new ByteArrayOutputStream();
        properties.write(0x0B);
        writeLength(properties, subscriptionId);
        writeLength(body, properties.size());
        properties.writeTo(body);
        writeString(body, filter);
        body.write(qos);
        send(0x82, body.toByteArray());
    }

    /** Subscribes to one filter and returns the SUBACK's return code: the QoS granted, or a failure code. */
    int subscribeAndWait(int packetId, String filter, int qos) throws IOException {
        subscribe(packetId, filter, qos);
        return subAck();
    }

    /** A v5 subscribe with a Subscription Identifier; returns the SUBACK's reason code. */
    int subscribeAndWait(int packetId, String filter, int qos, int subscriptionId) throws IOException {
        subscribe(packetId, filter, qos, subscriptionId);
        return subAck();
    }

    private int subAck() throws IOException {
        Packet subAck = read();
        if (subAck.type() != SUBACK) {
            throw new IOException("expected SUBACK, got packet type " + subAck.type());
        }
        return subAck.body()[subAck.body().length - 1] & 0xFF;
    }

    void ping() throws IOException {
        send(0xC0, new byte[0]);
    }

    /** A PUBACK, PUBREC, PUBREL or PUBCOMP with no reason code. */
    void reply(int type, int packetId) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeShort(body, packetId);
        send(type << 4 | (type == PUBREL ? 0x02 : 0), body.toByteArray());
    }

    /** A v5 PUBACK or PUBREC with a reason code. */
    void reply(int type, int packetId, int reasonCode) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeShort(body, packetId);
        body.write(reasonCode);
        body.write(0);
        send(type << 4 | (type == PUBREL ? 0x02 : 0), body.toByteArray());
    }

    /** The next packet; fails if none comes within 5 seconds or the broker closed the connection. */
    Packet read() throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("the broker closed the connection");
        }
        int length = 0;
        int shift = 0;
        int b;
        do {
            b = in.readUnsignedByte();
            length |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        byte[] body = new byte[length];
        in.readFully(body);
        return new Packet(first >> 4, first & 0x0F, body);
    }

    /** Whether the broker closed the connection, after skipping any packets it sent first (a DISCONNECT, say). */
    boolean closedByBroker() throws IOException {
        try {
            while (true) {
                read();
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private void send(int firstByte, byte[] body) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(firstByte);
        writeLength(packet, body.length);
        packet.writeBytes(body);
        out.write(packet.toByteArray());
        out.flush();
    }

    private static void writeString(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        writeShort(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        do {
            int digit = length & 0x7F;
            length >>>= 7;
            out.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
    }

    /** Drops the connection without DISCONNECT, as a network failure would. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
