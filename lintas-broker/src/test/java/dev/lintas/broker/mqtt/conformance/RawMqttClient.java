package dev.lintas.broker.mqtt.conformance;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An MQTT client over a plain socket that sends whatever bytes a test builds and decodes what comes back. Every read
 * is bounded by the socket timeout: a broker that neither answers nor closes fails the test instead of hanging it.
 */
public final class RawMqttClient implements AutoCloseable {

    /** The bound on one read; a bound, not a duration any test asserts. */
    private static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final AtomicInteger BYSTANDERS = new AtomicInteger();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final boolean v5;

    private RawMqttClient(int port, boolean v5) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        this.socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        this.socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.v5 = v5;
    }

    /** A connection that speaks MQTT 5 (for decoding what comes back); nothing is sent yet. */
    public static RawMqttClient v5(int port) throws IOException {
        return new RawMqttClient(port, true);
    }

    /** A connection that speaks MQTT 3.1.1; nothing is sent yet. */
    public static RawMqttClient v311(int port) throws IOException {
        return new RawMqttClient(port, false);
    }

    public boolean isV5() {
        return v5;
    }

    public RawMqttClient send(byte[]... packets) throws IOException {
        for (byte[] packet : packets) {
            out.write(packet);
        }
        out.flush();
        return this;
    }

    /** Sends a well-formed CONNECT with clean start and expects CONNACK 0x00. */
    public RawPacket connect(String clientId) throws IOException {
        send(Packets.connect(v5, clientId));
        RawPacket connAck = read(RawPacket.CONNACK);
        assertThat(connAck.reasonCode()).as("CONNACK reason code").isZero();
        return connAck;
    }

    /** The next packet; fails if the connection closes or nothing comes within the read timeout. */
    public RawPacket read() throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("the broker closed the connection instead of sending a packet");
        }
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int digit = in.read();
            if (digit < 0) {
                throw new EOFException("the connection closed inside a Remaining Length");
            }
            length |= (digit & 0x7F) << shift;
            if ((digit & 0x80) == 0) {
                break;
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("the connection closed inside a packet of type " + (first >> 4));
        }
        return new RawPacket(first >> 4, first & 0x0F, body, v5);
    }

    /** SUBSCRIBE to one filter, and the SUBACK's reason codes. */
    public List<Integer> subscribe(int packetId, int options, String filter) throws IOException {
        send(Packets.subscribe(v5, packetId, options, filter));
        return read(RawPacket.SUBACK).reasonCodes();
    }

    /**
     * The next packets, one of each of {@code types}, which the broker may send in any order (a PUBACK and a
     * delivery of the same message, say), returned in the order of {@code types}.
     */
    public List<RawPacket> readInAnyOrder(int... types) throws IOException {
        List<RawPacket> packets = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            packets.add(read());
        }
        List<RawPacket> ordered = new ArrayList<>();
        for (int type : types) {
            RawPacket match = packets.stream().filter(p -> p.type() == type).findFirst()
                    .orElseThrow(() -> new AssertionError("no packet of type " + type + " in " + packets));
            packets.remove(match);
            ordered.add(match);
        }
        return ordered;
    }

    /** The next packet, which must be of {@code type}. */
    public RawPacket read(int type) throws IOException {
        RawPacket packet = read();
        assertThat(packet.type()).as("type of %s", packet).isEqualTo(type);
        return packet;
    }

    /** Asserts that the broker closes the connection without sending anything more. */
    public void assertClosed() throws IOException {
        ByteArrayOutputStream extra = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                extra.write(b);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the broker did not close the connection within the read timeout", e);
        } catch (SocketException e) {
            // A reset: the broker closed while bytes it never read were still arriving. Closed all the same.
        }
        assertThat(extra.toByteArray()).as("bytes sent before the close").isEmpty();
    }

    /** v5: asserts that the broker sends DISCONNECT with {@code reason} and then closes the connection. */
    public RawPacket assertDisconnected(int reason) throws IOException {
        RawPacket disconnect = read(RawPacket.DISCONNECT);
        assertThat(disconnect.reasonCode()).as("DISCONNECT reason code").isEqualTo(reason);
        assertClosed();
        return disconnect;
    }

    /** v5: asserts a CONNACK with {@code reason} (0x80 or more) and session present 0, and then the close. */
    public RawPacket assertRefused(int reason) throws IOException {
        RawPacket connAck = read(RawPacket.CONNACK);
        assertThat(connAck.reasonCode()).as("CONNACK reason code").isEqualTo(reason);
        assertThat(connAck.sessionPresent()).as("session present [MQTT-3.2.2-6]").isFalse();
        assertClosed();
        return connAck;
    }

    /**
     * Sends {@code data} one byte every {@code periodMillis} from another thread, as a slow client would, until all is
     * sent, the connection fails or the returned handle is closed. A slow sender, not a wait: nothing waits on it.
     */
    public AutoCloseable drip(byte[] data, long periodMillis) {
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger next = new AtomicInteger();
        sender.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            try {
                if (i >= data.length) {
                    throw new IOException("all sent");
                }
                out.write(data[i]);
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e); // Ends the schedule.
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
        return sender::shutdownNow;
    }

    /** Closes the sending half: the broker reads end of stream while this side can still read. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * Asserts that the broker still serves a new client: it connects (v5), subscribes, publishes at QoS 1 to itself
     * and gets both the PUBACK and its own message back.
     */
    public static void assertServing(int port) throws IOException {
        String id = "bystander-" + BYSTANDERS.incrementAndGet();
        try (RawMqttClient client = v5(port)) {
            client.connect(id);
            assertThat(client.subscribe(1, 1, id + "/#")).containsExactly(1);
            client.send(Packets.publish(true, 1, id + "/alive", 2, "yes"));
            List<RawPacket> answers = client.readInAnyOrder(RawPacket.PUBLISH, RawPacket.PUBACK);
            assertThat(answers.get(0).payloadText()).isEqualTo("yes");
            assertThat(answers.get(1).packetId()).isEqualTo(2);
            client.send(Packets.pubAck(answers.get(0).publishPacketId()), Packets.disconnect(true, 0));
            client.assertClosed();
        }
    }

    /**
     * A v5 client connects, sends {@code bad}, and must get DISCONNECT {@code reason} and the close; then the broker
     * must still serve others.
     */
    public static void assertDisconnectedFor(int port, byte[] bad, int reason) throws IOException {
        try (RawMqttClient client = v5(port)) {
            client.connect("bad-input-" + BYSTANDERS.incrementAndGet());
            client.send(bad);
            client.assertDisconnected(reason);
        }
        assertServing(port);
    }

    /** A v5 client sends {@code connect}, and must get CONNACK {@code reason} and the close; others are served. */
    public static void assertConnectRefused(int port, byte[] connect, int reason) throws IOException {
        try (RawMqttClient client = v5(port)) {
            client.send(connect);
            client.assertRefused(reason);
        }
        assertServing(port);
    }

    /** A 3.1.1 client connects, sends {@code bad}, and must see the connection closed with nothing sent back. */
    public static void assertClosedAfterConnect(int port, byte[] bad) throws IOException {
        try (RawMqttClient client = v311(port)) {
            client.connect("bad-input-" + BYSTANDERS.incrementAndGet());
            client.send(bad);
            client.assertClosed();
        }
        assertServing(port);
    }

    /** A 3.1.1 client sends {@code packets} and must see the connection closed, with nothing sent back. */
    public static void assertClosedFor(int port, byte[]... packets) throws IOException {
        try (RawMqttClient client = v311(port)) {
            client.send(packets);
            client.assertClosed();
        }
        assertServing(port);
    }
}
