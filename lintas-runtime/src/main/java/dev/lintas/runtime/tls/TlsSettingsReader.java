package dev.lintas.runtime.tls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.lintas.runtime.config.ConfigMap;
import dev.lintas.runtime.config.ConfigNode;

/**
 * Reads the TLS keys of a listener's {@code tls} section ({@link #KEYS}; the section's {@code listen} is its owner's)
 * and loads the files they name, so that a config check reports a missing file, a certificate or key that does not
 * parse, and a key that does not match, each at the line that names the file. A relative path is relative to the
 * working directory, as {@code data-dir} and {@code access-log} are.
 */
public final class TlsSettingsReader {

    /** The keys of a {@code tls} section this reader owns. */
    public static final List<String> KEYS = List.of("cert", "key", "client-ca", "client-auth", "protocols");

    private TlsSettingsReader() {
    }

    /** The settings of {@code tls}, or empty when a problem (recorded at its position) leaves none to use. */
    public static Optional<TlsSettings> read(ConfigMap tls) {
        Optional<Path> cert = tls.requiredString("cert", "the PEM file of the server's certificate chain")
                .map(Path::of);
        Optional<Path> key = tls.requiredString("key", "the PEM file of the certificate's private key, PKCS#8 "
                + "unencrypted").map(Path::of);
        Path clientCa = tls.string("client-ca").map(Path::of).orElse(null);
        Optional<ClientAuthPolicy> clientAuth = tls.has("client-auth")
                ? tls.parsed("client-auth", "none, optional or require", ClientAuthPolicy::of)
                : Optional.of(ClientAuthPolicy.NONE);
        Optional<List<String>> protocols = protocols(tls);
        boolean valid = cert.isPresent() && key.isPresent() && clientAuth.isPresent() && protocols.isPresent()
                && (clientCa != null || !tls.has("client-ca"));
        // The files are read whatever else is wrong, so that one check reports every problem.
        if (cert.isPresent() && key.isPresent()) {
            valid &= filesLoad(tls, cert.get(), key.get(), clientCa);
        }
        if (clientAuth.isPresent() && clientAuth.get().needsClientCa() && clientCa == null) {
            tls.get("client-auth").orElseThrow().problem("client-auth: '" + clientAuth.get() + "' needs client-ca "
                    + "(expected client-ca: the PEM file of the CA that signs client certificates)");
            valid = false;
        }
        if (clientAuth.isPresent() && !clientAuth.get().needsClientCa() && clientCa != null) {
            tls.get("client-ca").orElseThrow().problem("client-ca: set, but client-auth is 'none', so no client "
                    + "certificate is asked for (expected client-auth: optional or require)");
            valid = false;
        }
        if (!valid) {
            return Optional.empty();
        }
        return Optional.of(new TlsSettings(cert.get(), key.get(), clientCa, clientAuth.get(), protocols.get()));
    }

    /** Whether the files load and make a context; a problem where the failing file is named when not. */
    private static boolean filesLoad(ConfigMap tls, Path cert, Path key, Path clientCa) {
        TlsSettings files = new TlsSettings(cert, key, clientCa,
                clientCa == null ? ClientAuthPolicy.NONE : ClientAuthPolicy.REQUIRE, TlsSettings.DEFAULT_PROTOCOLS);
        try {
            ServerTls.context(files);
            return true;
        } catch (TlsFileException e) {
            tls.get(e.source().key()).orElseThrow().problem(e.source().key() + ": " + e.getMessage());
            return false;
        }
    }

    private static Optional<List<String>> protocols(ConfigMap tls) {
        if (!tls.has("protocols")) {
            return Optional.of(TlsSettings.DEFAULT_PROTOCOLS);
        }
        String expected = "some of " + String.join(", ", TlsSettings.SUPPORTED_PROTOCOLS);
        ConfigNode node = tls.get("protocols").orElseThrow();
        List<ConfigNode> items = tls.list("protocols", "a list of TLS versions, " + expected);
        if (items.isEmpty()) {
            if (node.isList() || node.isNull()) {
                node.problem("protocols: none (expected " + expected + ")");
            }
            return Optional.empty();
        }
        List<String> protocols = new ArrayList<>();
        boolean valid = true;
        for (ConfigNode item : items) {
            Optional<String> text = item.text("a TLS version, one of " + expected);
            if (text.isEmpty()) {
                valid = false;
            } else if (!TlsSettings.SUPPORTED_PROTOCOLS.contains(text.get())) {
                item.problem("protocols: '" + text.get() + "' (expected " + expected + ")");
                valid = false;
            } else if (!protocols.contains(text.get())) {
                protocols.add(text.get());
            }
        }
        return valid ? Optional.of(protocols) : Optional.empty();
    }
}
