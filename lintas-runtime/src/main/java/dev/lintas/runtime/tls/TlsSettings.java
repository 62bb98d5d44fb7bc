package dev.lintas.runtime.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a TLS listener needs: its certificate chain and private key, and how it treats client certificates. Only files
 * are named here; {@link ServerTls#context} reads them.
 *
 * @param cert       a PEM file with the server's certificate first, then any intermediates
 * @param key        a PEM file with the certificate's private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY})
 * @param clientCa   a PEM file with the CA certificates that client certificates must chain to, or null for none
 * @param clientAuth whether a client certificate is asked for; anything but {@link ClientAuthPolicy#NONE} needs
 *                   {@code clientCa}
 * @param protocols  the TLS versions offered, from {@link #SUPPORTED_PROTOCOLS}
 */
public record TlsSettings(Path cert, Path key, Path clientCa, ClientAuthPolicy clientAuth, List<String> protocols) {

    /** The versions a listener may offer: nothing older, since TLS 1.0 and 1.1 are deprecated (RFC 8996). */
    public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** What a listener offers when the config names no protocols. */
    public static final List<String> DEFAULT_PROTOCOLS = SUPPORTED_PROTOCOLS;

    public TlsSettings {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientAuth, "clientAuth");
        protocols = List.copyOf(protocols);
        if (clientAuth.needsClientCa() && clientCa == null) {
            throw new IllegalArgumentException("clientAuth: " + clientAuth + " (expected: none without a clientCa)");
        }
        if (protocols.isEmpty() || !SUPPORTED_PROTOCOLS.containsAll(protocols)) {
            throw new IllegalArgumentException("protocols: " + protocols + " (expected: some of "
                    + SUPPORTED_PROTOCOLS + ")");
        }
    }

    /** A server certificate and key, no client certificates, the default protocols. */
    public static TlsSettings of(Path cert, Path key) {
        return new TlsSettings(cert, key, null, ClientAuthPolicy.NONE, DEFAULT_PROTOCOLS);
    }
}
