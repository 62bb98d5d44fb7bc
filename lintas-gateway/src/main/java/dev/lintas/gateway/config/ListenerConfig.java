package dev.lintas.gateway.config;

import java.time.Duration;

import dev.lintas.runtime.config.Position;
import dev.lintas.runtime.net.HostPort;

/**
 * One HTTP listener of the gateway and its limits for downstream clients.
 *
 * @param position where its address was written
 */
public record ListenerConfig(
        String name,
        HostPort listen,
        Position position,
        Duration headerTimeout,
        Duration idleTimeout,
        int maxHeaderSize,
        long maxBodySize) {

    public static ListenerConfig defaults(String name, HostPort listen, Position position) {
        return new ListenerConfig(name, listen, position, Defaults.HEADER_TIMEOUT, Defaults.DOWNSTREAM_IDLE_TIMEOUT,
                (int) Defaults.MAX_HEADER_SIZE, Defaults.MAX_BODY_SIZE);
    }
}
