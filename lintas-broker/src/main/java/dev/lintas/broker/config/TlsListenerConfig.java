package dev.lintas.broker.config;

import dev.lintas.runtime.config.Position;
import dev.lintas.runtime.net.HostPort;
import dev.lintas.runtime.tls.TlsSettings;

import java.util.Objects;

/**
 * A TLS listener of the broker: {@code broker.mqtt.tls} or {@code broker.mqtt.websocket.tls}.
 *
 * @param listen   the address it listens on
 * @param position where that address was written, for errors such as a listener clash; null when built in code
 * @param tls      its certificate, key and client-certificate policy
 */
public record TlsListenerConfig(HostPort listen, Position position, TlsSettings tls) {

    public TlsListenerConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(tls, "tls");
    }

    /**
     * Whether {@code a} and {@code b} (either may be null) ask for a listener on the same address. The TLS settings
     * take no part: a reload applies them to the running listener ({@code Broker.prepareTlsReload}).
     */
    static boolean sameListener(TlsListenerConfig a, TlsListenerConfig b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.listen.equals(b.listen);
    }
}
