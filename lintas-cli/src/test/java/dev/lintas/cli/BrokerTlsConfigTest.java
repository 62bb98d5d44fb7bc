package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lintas.runtime.testing.TestPki;
import picocli.CommandLine;

/**
 * {@code broker.mqtt.tls} and {@code broker.mqtt.websocket.tls} in a config file: {@code lintas check} reports each bad
 * file and value at its line and column, and a server started from a good file serves MQTT over TLS.
 */
class BrokerTlsConfigTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private RunningServer lintas;
    private final StringWriter out = new StringWriter();

    @BeforeEach
    void makePki() throws Exception {
        pki = TestPki.writeTo(dir);
    }

    @AfterEach
    void stop() {
        if (lintas != null) {
            lintas.close();
        }
    }

    private int check(String yaml) throws IOException {
        Path config = Files.writeString(dir.resolve("lintas.yaml"), yaml);
        return new CommandLine(new Lintas()).setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()))
                .execute("check", "-c", config.toString());
    }

    @Test
    void checkAcceptsBothTlsListeners() throws IOException {
        int exit = check("""
                broker:
                  mqtt:
                    listen: 127.0.0.1:1883
                    tls:
                      listen: 127.0.0.1:8883
                      cert: %1$s
                      key: %2$s
                      client-ca: %3$s
                      client-auth: optional
                    websocket:
                      tls:
                        listen: 127.0.0.1:8084
                        cert: %1$s
                        key: %2$s
                        protocols: [TLSv1.3]
                """.formatted(pki.serverCert(), pki.serverKey(), pki.caFile()));

        assertThat(out).hasToString("configuration OK\n");
        assertThat(exit).isZero();
    }

    @Test
    void checkReportsEachBadFileAndValueAtItsLineAndColumn() throws IOException {
        Path missing = dir.resolve("missing.pem");
        Path config = dir.resolve("lintas.yaml");

        int exit = check("""
                broker:
                  mqtt:
                    listen: 127.0.0.1:1883
                    tls:
                      listen: 127.0.0.1:8883
                      cert: %1$s
                      key: %2$s
                      client-auth: sometimes
                    websocket:
                      tls:
                        listen: 127.0.0.1:8084
                        cert: %3$s
                        key: %4$s
                        lisen: x
                """.formatted(missing, pki.serverKey(), pki.serverCert(), pki.clientKey()));

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString().lines()).containsExactly(
                config + ":6:13: cert: '" + missing + "' does not exist",
                config + ":8:20: client-auth: 'sometimes' (expected none, optional or require)",
                config + ":13:14: key: '" + pki.clientKey() + "' is not the private key of the certificate in '"
                        + pki.serverCert() + "' (expected the key of its first certificate)",
                config + ":14:9: unknown key 'lisen' (did you mean 'listen'?)");
    }

    @Test
    void checkReportsTlsListenersOnAddressesInUse() throws IOException {
        Path config = dir.resolve("lintas.yaml");

        int exit = check("""
                broker:
                  mqtt:
                    listen: 127.0.0.1:1883
                    tls:
                      listen: :1883
                      cert: %1$s
                      key: %2$s
                    websocket:
                      tls:
                        listen: 127.0.0.1:1883
                        cert: %1$s
                        key: %2$s
                """.formatted(pki.serverCert(), pki.serverKey()));

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString().lines()).containsExactly(
                config + ":5:15: the MQTT TLS listener listens on :1883, which the MQTT listener already uses "
                        + "(line 3)",
                config + ":10:17: the MQTT secure WebSocket listener listens on 127.0.0.1:1883, which the MQTT "
                        + "listener already uses (line 3)",
                config + ":10:17: the MQTT secure WebSocket listener listens on 127.0.0.1:1883, which the MQTT TLS "
                        + "listener already uses (line 5)");
    }

    @Test
    void checkReportsATlsSectionWithoutListenAndAKeyFileWithoutAKey() throws IOException {
        Path config = dir.resolve("lintas.yaml");

        int exit = check("""
                broker:
                  mqtt:
                    tls:
                      cert: %1$s
                      key: %1$s
                """.formatted(pki.serverCert()));

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString().lines()).containsExactly(
                config + ":4:7: missing 'listen' (expected the TLS listener's address, like :8883)",
                config + ":5:12: key: '" + pki.serverCert() + "' holds no private key (expected an unencrypted "
                        + "PKCS#8 private key, -----BEGIN PRIVATE KEY-----; 'openssl pkcs8 -topk8 -nocrypt' converts "
                        + "other forms)");
    }

    @Test
    void aServerFromTheFileServesMqttOverTlsAndReportsItsHealth() throws Exception {
        lintas = RunningServer.start(dir.resolve("lintas.yaml"), """
                admin:
                  listen: 127.0.0.1:0
                broker:
                  mqtt:
                    listen: 127.0.0.1:0
                    tls:
                      listen: 127.0.0.1:0
                      cert: %s
                      key: %s
                """.formatted(pki.serverCert(), pki.serverKey()));
        int port = lintas.server().mqttTlsAddress().getPort();

        try (SSLSocket socket = (SSLSocket) pki.clientContext(null).getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            // CONNECT 3.1.1, clean session, keep-alive 0, client id "t".
            socket.getOutputStream().write(new byte[] {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 0, 0, 1, 't'});
            InputStream in = socket.getInputStream();
            assertThat(in.readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
        }
        assertThat(lintas.admin("GET", "/health").statusCode()).isEqualTo(200);
    }

    /** A TLS connection to {@code port} that has sent CONNECT and received its CONNACK. */
    private SSLSocket connected(int port, String clientId) throws Exception {
        SSLSocket socket = (SSLSocket) pki.clientContext(null).getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        // CONNECT 3.1.1, clean session, keep-alive 0, a one-letter client id.
        socket.getOutputStream().write(new byte[] {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 0, 0, 1,
            (byte) clientId.charAt(0)});
        assertThat(socket.getInputStream().readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
        return socket;
    }

    private static BigInteger serial(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    @Test
    void aReloadServesRenewedCertificateFilesToNewConnectionsAndKeepsTheOpenOnes() throws Exception {
        lintas = RunningServer.start(dir.resolve("lintas.yaml"), """
                admin:
                  listen: 127.0.0.1:0
                broker:
                  mqtt:
                    tls:
                      listen: 127.0.0.1:0
                      cert: %s
                      key: %s
                """.formatted(pki.serverCert(), pki.serverKey()));
        int port = lintas.server().mqttTlsAddress().getPort();
        BigInteger first = pki.server().getCertificate().getSerialNumber();

        try (SSLSocket old = connected(port, "a")) {
            assertThat(serial(old)).isEqualTo(first);
            BigInteger renewed = pki.renewServer().getCertificate().getSerialNumber();
            assertThat(renewed).isNotEqualTo(first);

            assertThat(lintas.admin("POST", "/reload").statusCode()).isEqualTo(200);

            try (SSLSocket fresh = connected(port, "b")) {
                assertThat(serial(fresh)).isEqualTo(renewed);
            }
            old.getOutputStream().write(new byte[] {(byte) 0xC0, 0}); // PINGREQ on the connection from before.
            assertThat(old.getInputStream().readNBytes(2)).containsExactly(0xD0, 0);

            // A key that is not the certificate's: the reload is refused and the renewed files stay in use.
            Files.copy(pki.clientKey(), pki.serverKey(), StandardCopyOption.REPLACE_EXISTING);
            var refused = lintas.admin("POST", "/reload");
            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(refused.body()).contains("key: '" + pki.serverKey() + "' is not the private key");
            try (SSLSocket again = connected(port, "c")) {
                assertThat(serial(again)).isEqualTo(renewed);
            }
        }
    }
}
