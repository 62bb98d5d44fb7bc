package dev.lintas.runtime.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lintas.runtime.config.ConfigProblem;
import dev.lintas.runtime.config.Problems;
import dev.lintas.runtime.config.YamlLoader;
import dev.lintas.runtime.testing.TestPki;

class TlsSettingsReaderTest {

    @TempDir
    static Path dir;
    private static TestPki pki;
    private final Problems problems = new Problems();

    @BeforeAll
    static void makePki() throws Exception {
        pki = TestPki.writeTo(dir);
    }

    private Optional<TlsSettings> read(String yaml) {
        return TlsSettingsReader.read(YamlLoader.parse("t.yaml", yaml, problems)
                .map("a tls section", TlsSettingsReader.KEYS.toArray(String[]::new)));
    }

    private static String path(Path file) {
        return "'" + file + "'";
    }

    private List<String> messages() {
        return problems.sorted().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void readsTheFilesAndDefaults() {
        Optional<TlsSettings> settings = read("cert: " + pki.serverCert() + "\nkey: " + pki.serverKey() + "\n");

        assertThat(problems.isEmpty()).as(messages().toString()).isTrue();
        assertThat(settings).contains(TlsSettings.of(pki.serverCert(), pki.serverKey()));
        assertThat(settings.orElseThrow().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(settings.orElseThrow().clientAuth()).isEqualTo(ClientAuthPolicy.NONE);
    }

    @Test
    void readsClientAuthAndProtocols() {
        Optional<TlsSettings> settings = read("cert: " + pki.serverCert() + "\nkey: " + pki.serverKey()
                + "\nclient-ca: " + pki.caFile() + "\nclient-auth: require\nprotocols: [TLSv1.3]\n");

        assertThat(problems.isEmpty()).as(messages().toString()).isTrue();
        assertThat(settings).contains(new TlsSettings(pki.serverCert(), pki.serverKey(), pki.caFile(),
                ClientAuthPolicy.REQUIRE, List.of("TLSv1.3")));
    }

    @Test
    void aMissingFileIsReportedWhereItIsNamed() {
        Path missing = dir.resolve("nope.pem");

        assertThat(read("cert: " + pki.serverCert() + "\nkey: " + missing + "\n")).isEmpty();

        assertThat(messages()).containsExactly("t.yaml:2:6: key: " + path(missing) + " does not exist");
    }

    @Test
    void certAndKeyAreRequired() {
        assertThat(read("client-auth: none\n")).isEmpty();

        assertThat(messages()).containsExactly(
                "t.yaml:1:1: missing 'cert' (expected the PEM file of the server's certificate chain)",
                "t.yaml:1:1: missing 'key' (expected the PEM file of the certificate's private key, PKCS#8 "
                        + "unencrypted)");
    }

    @Test
    void aCertificateFileWithoutACertificateIsReported() {
        assertThat(read("cert: " + pki.serverKey() + "\nkey: " + pki.serverKey() + "\n")).isEmpty();

        assertThat(messages()).containsExactly("t.yaml:1:7: cert: " + path(pki.serverKey())
                + " holds no certificate (expected PEM X.509 certificates, -----BEGIN CERTIFICATE-----)");
    }

    @Test
    void aCertificateThatDoesNotParseIsReported() throws Exception {
        Path broken = dir.resolve("broken.pem");
        Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        assertThat(read("cert: " + broken + "\nkey: " + pki.serverKey() + "\n")).isEmpty();

        assertThat(messages()).singleElement().asString()
                .startsWith("t.yaml:1:7: cert: " + path(broken) + " holds a certificate that does not parse");
    }

    @Test
    void aKeyFileWithoutAKeyIsReported() {
        assertThat(read("cert: " + pki.serverCert() + "\nkey: " + pki.serverCert() + "\n")).isEmpty();

        assertThat(messages()).containsExactly("t.yaml:2:6: key: " + path(pki.serverCert()) + " holds no private "
                + "key (expected an unencrypted PKCS#8 private key, -----BEGIN PRIVATE KEY-----; 'openssl pkcs8 "
                + "-topk8 -nocrypt' converts other forms)");
    }

    @Test
    void anEncryptedKeyIsReportedAsSuch() throws Exception {
        Path encrypted = dir.resolve("encrypted.pem");
        Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n");

        assertThat(read("cert: " + pki.serverCert() + "\nkey: " + encrypted + "\n")).isEmpty();

        assertThat(messages()).singleElement().asString()
                .startsWith("t.yaml:2:6: key: " + path(encrypted) + " holds no unencrypted key, only an encrypted");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsReported() {
        assertThat(read("cert: " + pki.serverCert() + "\nkey: " + pki.clientKey() + "\n")).isEmpty();

        assertThat(messages()).containsExactly("t.yaml:2:6: key: " + path(pki.clientKey()) + " is not the private "
                + "key of the certificate in " + path(pki.serverCert()) + " (expected the key of its first "
                + "certificate)");
    }

    @Test
    void anUnknownClientAuthIsReportedAtItsValue() {
        assertThat(read("cert: " + pki.serverCert() + "\nkey: " + pki.serverKey() + "\nclient-auth: always\n"))
                .isEmpty();

        assertThat(messages()).containsExactly(
                "t.yaml:3:14: client-auth: 'always' (expected none, optional or require)");
    }

    @Test
    void clientAuthWithoutAClientCaIsReported() {
        assertThat(read("cert: " + pki.serverCert() + "\nkey: " + pki.serverKey() + "\nclient-auth: optional\n"))
                .isEmpty();

        assertThat(messages()).containsExactly("t.yaml:3:14: client-auth: 'optional' needs client-ca (expected "
                + "client-ca: the PEM file of the CA that signs client certificates)");
    }

    @Test
    void aClientCaThatNothingUsesIsReported() {
        assertThat(read("cert: " + pki.serverCert() + "\nkey: " + pki.serverKey() + "\nclient-ca: "
                + pki.caFile() + "\n")).isEmpty();

        assertThat(messages()).containsExactly("t.yaml:3:12: client-ca: set, but client-auth is 'none', so no "
                + "client certificate is asked for (expected client-auth: optional or require)");
    }

    @Test
    void aMissingClientCaFileIsReported() {
        Path missing = dir.resolve("no-ca.pem");

        assertThat(read("cert: " + pki.serverCert() + "\nkey: " + pki.serverKey() + "\nclient-ca: " + missing
                + "\nclient-auth: require\n")).isEmpty();

        assertThat(messages()).containsExactly("t.yaml:3:12: client-ca: " + path(missing) + " does not exist");
    }

    @Test
    void unsupportedProtocolsAreReported() {
        assertThat(read("cert: " + pki.serverCert() + "\nkey: " + pki.serverKey()
                + "\nprotocols: [TLSv1.3, TLSv1.1]\n")).isEmpty();

        assertThat(messages()).containsExactly(
                "t.yaml:3:22: protocols: 'TLSv1.1' (expected some of TLSv1.3, TLSv1.2)");
    }

    @Test
    void anEmptyProtocolListIsReported() {
        assertThat(read("cert: " + pki.serverCert() + "\nkey: " + pki.serverKey() + "\nprotocols: []\n"))
                .isEmpty();

        assertThat(messages()).containsExactly("t.yaml:3:12: protocols: none (expected some of TLSv1.3, TLSv1.2)");
    }
}
