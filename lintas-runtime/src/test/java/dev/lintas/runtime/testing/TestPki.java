package dev.lintas.runtime.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

/**
 * A small PKI made at test time and written as PEM files into a directory: a CA, a server certificate it signs (for
 * {@code localhost} and {@code 127.0.0.1}), a client certificate it signs, and a client certificate from a second CA
 * that the first does not know. EC P-256 keys, so that making one is quick.
 */
public final class TestPki {

    private final X509Bundle ca;
    private X509Bundle server;
    private final X509Bundle client;
    private final X509Bundle strangerClient;
    private final Path dir;

    private TestPki(Path dir) throws Exception {
        this.dir = dir;
        ca = new CertificateBuilder().subject("CN=Lintas Test CA").setIsCertificateAuthority(true).ecp256()
                .buildSelfSigned();
        server = serverCertificate(ca);
        client = new CertificateBuilder().subject("CN=test-client").addExtendedKeyUsageClientAuth().ecp256()
                .buildIssuedBy(ca);
        X509Bundle stranger = new CertificateBuilder().subject("CN=Stranger CA").setIsCertificateAuthority(true)
                .ecp256().buildSelfSigned();
        strangerClient = new CertificateBuilder().subject("CN=stranger").addExtendedKeyUsageClientAuth().ecp256()
                .buildIssuedBy(stranger);
        write("ca.pem", ca.getCertificatePEM());
        writeServer();
        write("client.pem", client.getCertificatePathPEM());
        write("client-key.pem", client.getPrivateKeyPEM());
    }

    /** Makes the PKI and writes {@code ca.pem}, {@code server.pem}, {@code server-key.pem}, {@code client.pem} and
     * {@code client-key.pem} into {@code dir}. */
    public static TestPki writeTo(Path dir) throws Exception {
        return new TestPki(dir);
    }

    private static X509Bundle serverCertificate(X509Bundle ca) throws Exception {
        return new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1").addExtendedKeyUsageServerAuth().ecp256().buildIssuedBy(ca);
    }

    private void writeServer() throws IOException {
        write("server.pem", server.getCertificatePathPEM());
        write("server-key.pem", server.getPrivateKeyPEM());
    }

    /** Issues a new server certificate, with a new key, from the same CA, and writes both over the old files. */
    public X509Bundle renewServer() throws Exception {
        server = serverCertificate(ca);
        writeServer();
        return server;
    }

    private void write(String name, String pem) throws IOException {
        Files.writeString(dir.resolve(name), pem);
    }

    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    public Path serverCert() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server-key.pem");
    }

    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client-key.pem");
    }

    public X509Bundle server() {
        return server;
    }

    /** Trusts the test CA only. */
    public TrustManagerFactory trust() {
        return ca.toTrustManagerFactory();
    }

    /** Presents the client certificate the test CA signed. */
    public KeyManagerFactory clientKeys() throws Exception {
        return client.toKeyManagerFactory();
    }

    /** Presents a client certificate from a CA the server does not know. */
    public KeyManagerFactory strangerKeys() throws Exception {
        return strangerClient.toKeyManagerFactory();
    }

    /** A client context that trusts the test CA and presents {@code keys} (null for no client certificate). */
    public SSLContext clientContext(KeyManagerFactory keys) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust().getTrustManagers(), null);
        return context;
    }

}
