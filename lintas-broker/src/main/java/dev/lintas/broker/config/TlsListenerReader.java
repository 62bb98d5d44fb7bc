package dev.lintas.broker.config;

import dev.lintas.runtime.config.ConfigMap;
import dev.lintas.runtime.config.ConfigNode;
import dev.lintas.runtime.net.HostPort;
import dev.lintas.runtime.tls.TlsSettings;
import dev.lintas.runtime.tls.TlsSettingsReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a {@code tls} section under {@code broker.mqtt} or {@code broker.mqtt.websocket}: its listen address and the
 * runtime's TLS keys. */
final class TlsListenerReader {

    private static final String EXPECTED = "the tls section (a mapping with listen, cert and key)";

    private TlsListenerReader() {
    }

    /** The {@code tls} section of {@code parent}, or null when it is absent or too broken to use (and reported). */
    static TlsListenerConfig read(ConfigMap parent) {
        Optional<ConfigNode> node = parent.get("tls");
        if (node.isEmpty()) {
            return null;
        }
        if (node.get().isNull()) {
            node.get().problem("tls: empty (expected " + EXPECTED + ")");
            return null;
        }
        List<String> keys = new ArrayList<>(TlsSettingsReader.KEYS);
        keys.addFirst("listen");
        ConfigMap tls = node.get().map(EXPECTED, keys.toArray(String[]::new));
        if (!tls.node().isMap()) {
            return null;
        }
        Optional<HostPort> listen = tls.has("listen") ? tls.listenAddress("listen") : Optional.empty();
        if (!tls.has("listen")) {
            tls.node().problem("missing 'listen' (expected the TLS listener's address, like :8883)");
        }
        Optional<TlsSettings> settings = TlsSettingsReader.read(tls);
        if (listen.isEmpty() || settings.isEmpty()) {
            return null;
        }
        return new TlsListenerConfig(listen.get(), tls.get("listen").orElseThrow().position(), settings.get());
    }
}
