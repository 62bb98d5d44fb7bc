package dev.lintas.broker.config;

import dev.lintas.broker.auth.AuthConfig;
import dev.lintas.broker.mqtt.MqttSettings;
import dev.lintas.broker.store.FsyncPolicy;
import dev.lintas.runtime.config.Position;
import dev.lintas.runtime.net.HostPort;

import java.util.Objects;

/**
 * The {@code broker} section of the config.
 *
 * @param dataDir      where the durable store keeps its files (in {@code store/} under it); null for none, memory
 *                     only
 * @param mqtt         the MQTT listen address, or null for no MQTT listener
 * @param mqttPosition where the MQTT address was written, for errors such as a listener clash
 * @param amqp         the AMQP listen address, or null (no AMQP adapter in this build yet)
 * @param amqpPosition where the AMQP address was written
 * @param mqttSettings the MQTT limits ({@code broker.mqtt} besides {@code listen})
 * @param auth         the users, and whether anonymous clients are let in
 * @param mqttWebSocket the MQTT-over-WebSocket listen address, or null for none
 * @param mqttWebSocketPosition where that address was written
 * @param fsync        when the store calls fsync ({@code broker.store.fsync})
 * @param mqttTls      the MQTT-over-TLS listener ({@code broker.mqtt.tls}), or null for none
 * @param mqttWebSocketTls the MQTT-over-secure-WebSocket listener ({@code broker.mqtt.websocket.tls}), or null
 */
public record BrokerConfig(String dataDir, HostPort mqtt, Position mqttPosition, HostPort amqp,
        Position amqpPosition, MqttSettings mqttSettings, AuthConfig auth, HostPort mqttWebSocket,
        Position mqttWebSocketPosition, FsyncPolicy fsync, TlsListenerConfig mqttTls,
        TlsListenerConfig mqttWebSocketTls) {

    /** A broker without TLS listeners. */
    public BrokerConfig(String dataDir, HostPort mqtt, Position mqttPosition, HostPort amqp, Position amqpPosition,
            MqttSettings mqttSettings, AuthConfig auth, HostPort mqttWebSocket, Position mqttWebSocketPosition,
            FsyncPolicy fsync) {
        this(dataDir, mqtt, mqttPosition, amqp, amqpPosition, mqttSettings, auth, mqttWebSocket,
                mqttWebSocketPosition, fsync, null, null);
    }

    /** This config with the given TLS listeners (either may be null) in place of its own. */
    public BrokerConfig withTls(TlsListenerConfig mqttTls, TlsListenerConfig mqttWebSocketTls) {
        return new BrokerConfig(dataDir, mqtt, mqttPosition, amqp, amqpPosition, mqttSettings, auth, mqttWebSocket,
                mqttWebSocketPosition, fsync, mqttTls, mqttWebSocketTls);
    }

    /**
     * Whether two sections (either may be null) ask for the same broker, wherever in the file they were written. The
     * TLS files and options of a TLS listener take no part, since a reload applies them; its address does.
     */
    public static boolean sameSettings(BrokerConfig a, BrokerConfig b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.dataDir, b.dataDir) && Objects.equals(a.mqtt, b.mqtt) && Objects.equals(a.amqp, b.amqp)
                && a.mqttSettings.equals(b.mqttSettings) && a.auth.equals(b.auth)
                && Objects.equals(a.mqttWebSocket, b.mqttWebSocket) && a.fsync.equals(b.fsync)
                && TlsListenerConfig.sameListener(a.mqttTls, b.mqttTls)
                && TlsListenerConfig.sameListener(a.mqttWebSocketTls, b.mqttWebSocketTls);
    }

    /** Where MQTT listens with no config file: every interface, MQTT's registered port. */
    public static final HostPort DEFAULT_MQTT_LISTEN = new HostPort("0.0.0.0", 1883);

    /**
     * The built-in defaults (no config file): MQTT on {@link #DEFAULT_MQTT_LISTEN}, data under {@code ./data}, default
     * limits, no users (so anonymous clients from loopback only), no WebSocket listener, and no AMQP until it exists.
     *
     * @param source the name that positions refer to, such as "(built-in defaults)"
     */
    public static BrokerConfig defaults(String source) {
        return new BrokerConfig("./data", DEFAULT_MQTT_LISTEN, new Position(source, 1, 1), null, null,
                MqttSettings.DEFAULTS, AuthConfig.DEFAULTS, null, null, FsyncPolicy.ALWAYS);
    }

    /** An MQTT listener and an MQTT-over-WebSocket one, without a durable store; for tests and embedding. */
    public static BrokerConfig mqttAndWebSocket(HostPort mqtt, HostPort webSocket) {
        return new BrokerConfig(null, mqtt, null, null, null, MqttSettings.DEFAULTS, AuthConfig.DEFAULTS,
                webSocket, null, FsyncPolicy.ALWAYS);
    }

    /** Just an MQTT listener, without a durable store (memory only); for tests and embedding. */
    public static BrokerConfig mqttOnly(HostPort mqtt) {
        return new BrokerConfig(null, mqtt, null, null, null, MqttSettings.DEFAULTS, AuthConfig.DEFAULTS, null,
                null, FsyncPolicy.ALWAYS);
    }
}
