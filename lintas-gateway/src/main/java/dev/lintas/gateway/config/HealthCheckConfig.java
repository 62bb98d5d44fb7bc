package dev.lintas.gateway.config;

import java.time.Duration;

/**
 * The active health check of an upstream: a GET of {@code path} on each server every {@code interval}. A server
 * that answers 2xx or 3xx within {@code timeout} {@code rise} times in a row is up; one that fails {@code fall}
 * times in a row is down.
 */
public record HealthCheckConfig(String path, Duration interval, Duration timeout, int rise, int fall) {
}
