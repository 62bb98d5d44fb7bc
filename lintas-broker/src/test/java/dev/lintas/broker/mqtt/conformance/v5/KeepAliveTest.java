package dev.lintas.broker.mqtt.conformance.v5;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.MqttSettings;
import dev.lintas.broker.mqtt.conformance.PacketBuilder.Properties;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

/**
 * MQTT 5, section 3.1.2.10 (Keep Alive) and 3.1.4 (the CONNECT timeout): a connection that stops sending, even in
 * the middle of a packet, is closed. The broker here allows 1 s for CONNECT; clients ask for a keep-alive of 1 s.
 */
class KeepAliveTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(
            MqttSettings.DEFAULTS.toBuilder().connectTimeout(Duration.ofSeconds(1)).build());
    private static final int port = mqtt.port();

    private static byte[] connectWithKeepAlive1(String clientId) {
        return Packets.connectHeader(true, Packets.CLEAN, 1, Properties.of()).string(clientId).build();
    }

    @Test
    void aSilentClientIsDisconnectedAfterOneAndAHalfKeepAlives() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.send(connectWithKeepAlive1("keepalive-silent"));
            client.read(RawPacket.CONNACK);
            // [MQTT-3.1.2-24] Keep Alive timeout (0x8D).
            client.assertDisconnected(0x8D);
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void aPacketLeftHangingEndsAtTheKeepAlive() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.send(connectWithKeepAlive1("keepalive-hanging"));
            client.read(RawPacket.CONNACK);
            byte[] publish = Packets.publish(true, 0, "hang/on", 0, "never finished");
            client.send(Arrays.copyOf(publish, publish.length - 4));
            client.assertDisconnected(0x8D);
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void aConnectLeftHangingEndsAtTheConnectTimeout() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            byte[] connect = Packets.connect(true, "keepalive-connect-hanging");
            client.send(Arrays.copyOf(connect, connect.length - 2));
            // Section 3.1.4: a server that gets no CONNECT in a reasonable time closes, with no CONNACK.
            client.assertClosed();
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void aConnectDripFedByteByByteEndsAtTheConnectTimeout() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port);
                AutoCloseable slow = client.drip(Packets.connect(true, "keepalive-drip-" + "x".repeat(120)), 100)) {
            // Bytes keep coming for 13 s, but no whole CONNECT within the 1 s: closed long before the last byte
            // (and within the read timeout), with no CONNACK. Only whole packets count as activity.
            client.assertClosed();
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void aPacketDripFedByteByByteEndsAtTheKeepAlive() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.send(connectWithKeepAlive1("keepalive-drip-publish"));
            client.read(RawPacket.CONNACK);
            // [MQTT-3.1.2-24] "an MQTT Control Packet" within 1.5 keep-alives: a packet that takes 15 s to arrive
            // (longer than the read timeout) does not count as one until it is whole.
            try (AutoCloseable slow = client.drip(Packets.publish(true, 0, "drip/" + "y".repeat(70), 0, "z"), 200)) {
                client.assertDisconnected(0x8D);
            }
        }
        RawMqttClient.assertServing(port);
    }

    @Test
    void noPacketAtAllEndsAtTheConnectTimeout() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.assertClosed();
        }
    }
}
