package dev.lintas.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * A named pool of servers and how requests are spread over them, retried and checked.
 *
 * @param retries          further attempts after the first, each on another server where there is one
 * @param totalTimeout     no new attempt starts once a request has been trying for this long
 * @param responseTimeout  from the end of the request to the response header section; past it, 504
 * @param idleTimeout      nothing read or written on an upstream connection mid-exchange for this long aborts it
 * @param keepaliveTimeout idle pooled connections are closed after this long
 * @param keepalive        idle connections kept per server
 * @param maxFails         failed attempts within {@code failTimeout} that take a server out for {@code failTimeout}
 * @param healthCheck      the active check, or null for passive checks only
 */
public record UpstreamConfig(
        String name,
        Balance balance,
        List<ServerConfig> servers,
        int retries,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration idleTimeout,
        Duration totalTimeout,
        Duration keepaliveTimeout,
        int keepalive,
        int maxFails,
        Duration failTimeout,
        HealthCheckConfig healthCheck) {

    public UpstreamConfig {
        servers = List.copyOf(servers);
    }
}
