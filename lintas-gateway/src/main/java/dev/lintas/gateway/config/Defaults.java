package dev.lintas.gateway.config;

import java.time.Duration;

import dev.lintas.runtime.net.HostPort;

/**
 * Every default of the gateway's config, in one place. Timeouts are set so that a misbehaving peer is cut off
 * well before it can tie up resources, and so that a pooled upstream connection is dropped by us before a
 * typical upstream (whose keep-alive timeout is 5 s in Node.js and 60 s or more elsewhere) drops it.
 */
public final class Defaults {

    private Defaults() {
    }

    public static final String LISTENER_NAME = "web";
    public static final HostPort LISTEN = new HostPort("0.0.0.0", 8080);

    /** From a request's first byte to the end of its header section: the defence against slowloris. */
    public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** A downstream connection with nothing to read or write for this long is closed. */
    public static final Duration DOWNSTREAM_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final long MAX_HEADER_SIZE = 32 * 1024;
    public static final long MAX_BODY_SIZE = Long.MAX_VALUE;

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** From the end of the request to the response's header section; past it the answer is 504. */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    /** An upstream connection with nothing to read or write mid-exchange for this long is abandoned. */
    public static final Duration UPSTREAM_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** A pooled idle upstream connection is closed after this long. */
    public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(4);
    /** Idle connections kept per upstream server, across all event loops. */
    public static final int KEEPALIVE_CONNECTIONS = 256;
    public static final int RETRIES = 2;
    /** No new attempt starts once a request has been trying for this long. */
    public static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(60);
    public static final int MAX_FAILS = 1;
    public static final Duration FAIL_TIMEOUT = Duration.ofSeconds(10);
    public static final int WEIGHT = 1;
    public static final Balance BALANCE = Balance.ROUND_ROBIN;

    public static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);
    public static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    public static final int HEALTH_RISE = 2;
    public static final int HEALTH_FALL = 3;

    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    public static final String ACCESS_LOG = "stdout";
}
