package dev.lintas.broker.config;

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
 * @param fsync        when the store calls fsync ({@code broker.store.fsync})
 */
public record BrokerConfig(String dataDir, HostPort mqtt, Position mqttPosition, HostPort amqp,
        Position amqpPosition, FsyncPolicy fsync) {

    /** Whether two sections (either may be null) ask for the same broker, wherever in the file they were written. */
    public static boolean sameSettings(BrokerConfig a, BrokerConfig b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.dataDir, b.dataDir) && Objects.equals(a.mqtt, b.mqtt)
                && Objects.equals(a.amqp, b.amqp) && a.fsync.equals(b.fsync);
    }

    /** Just an MQTT listener, without a durable store (memory only); for tests and embedding. */
    public static BrokerConfig mqttOnly(HostPort mqtt) {
        return new BrokerConfig(null, mqtt, null, null, null, FsyncPolicy.ALWAYS);
    }
}
