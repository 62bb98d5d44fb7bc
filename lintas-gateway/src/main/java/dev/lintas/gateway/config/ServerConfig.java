package dev.lintas.gateway.config;

import dev.lintas.runtime.net.HostPort;

/**
 * One server of an upstream.
 *
 * @param backup used only while no other server of the upstream is healthy
 */
public record ServerConfig(HostPort address, int weight, boolean backup) {
}
