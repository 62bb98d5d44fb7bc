package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lintas.broker.auth.PasswordHash;

/**
 * The broker section of a config file reaches the running broker: users, limits and the WebSocket listener, seen
 * through raw MQTT sockets and the admin listener's {@code /metrics} and {@code /health}.
 */
class BrokerFromConfigTest {

    @TempDir
    Path dir;

    private RunningServer lintas;

    @AfterEach
    void stop() {
        if (lintas != null) {
            lintas.close();
        }
    }

    /** An MQTT 3.1.1 CONNECT with clean session and keep-alive 0, with a user name and password when given. */
    private static byte[] connect(String clientId, String user, String password) {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        rest.writeBytes(new byte[] {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04});
        rest.write(user == null ? 0x02 : 0xC2);
        rest.writeBytes(new byte[] {0x00, 0x00});
        for (String field : user == null ? new String[] {clientId} : new String[] {clientId, user, password}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            rest.write(bytes.length >> 8);
            rest.write(bytes.length & 0xFF);
            rest.writeBytes(bytes);
        }
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x10);
        packet.write(rest.size()); // Under 128 bytes: one byte of remaining length.
        packet.writeBytes(rest.toByteArray());
        return packet.toByteArray();
    }

    /** The CONNACK return code the broker answers {@code connect} with, on {@code socket}. */
    private int connAck(Socket socket, byte[] connect) throws IOException {
        socket.setSoTimeout(5000);
        socket.getOutputStream().write(connect);
        InputStream in = socket.getInputStream();
        byte[] ack = in.readNBytes(4);
        assertThat(ack).hasSize(4).startsWith(0x20, 0x02);
        return ack[3];
    }

    @Test
    void usersLimitsAndTheWebSocketListenerComeFromTheFile() throws Exception {
        String hash = PasswordHash.create("pw".toCharArray(), 1000, new SecureRandom()).toString();
        lintas = RunningServer.start(dir.resolve("lintas.yaml"), """
                admin:
                  listen: 127.0.0.1:0
                broker:
                  users:
                    - name: alice
                      password: "%s"
                  mqtt:
                    listen: 127.0.0.1:0
                    max-connections: 1
                    websocket:
                      listen: 127.0.0.1:0
                """.formatted(hash));
        int port = lintas.server().mqttAddress().getPort();

        try (Socket alice = new Socket("127.0.0.1", port);
                Socket anonymous = new Socket("127.0.0.1", port);
                Socket wrong = new Socket("127.0.0.1", port);
                Socket second = new Socket("127.0.0.1", port)) {
            assertThat(connAck(alice, connect("a1", "alice", "pw"))).isZero();
            assertThat(connAck(anonymous, connect("a2", null, null))).isEqualTo(0x05); // Not authorized.
            assertThat(connAck(wrong, connect("a3", "alice", "PW"))).isEqualTo(0x04); // Bad user name or password.
            assertThat(connAck(second, connect("a4", "alice", "pw"))).isEqualTo(0x03); // max-connections: 1.

            String metrics = lintas.admin("GET", "/metrics").body();
            assertThat(metrics).contains("lintas_broker_mqtt_connections 1.0", "lintas_broker_mqtt_sessions 1.0");
        }
        assertThat(lintas.server().mqttWebSocketAddress()).isNotNull();
        assertThat(lintas.admin("GET", "/health").statusCode()).isEqualTo(200);
    }
}
