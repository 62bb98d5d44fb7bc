package dev.lintas.gateway.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Why an attempt failed, where the failure came from, and what it allows. Every failure of an exchange is one of
 * these, so that retries, health accounting, status codes and log lines are decided in one place.
 */
enum ProxyFailure {
    /** The upstream refused or did not answer the connection; nothing was sent, so any request may move on. */
    CONNECT_FAILED(Source.UPSTREAM, true, HttpResponseStatus.BAD_GATEWAY),
    /** The upstream connection closed or reset before the response head arrived. */
    UPSTREAM_RESET(Source.UPSTREAM, true, HttpResponseStatus.BAD_GATEWAY),
    /** The upstream answered 502 or 503; an idempotent request may try another server. */
    UPSTREAM_UNAVAILABLE(Source.UPSTREAM, true, HttpResponseStatus.BAD_GATEWAY),
    /** The response head did not arrive within response-timeout. Not retried: a slow upstream is likely slow for
     * every copy of the request, and retrying multiplies its load. */
    RESPONSE_TIMEOUT(Source.UPSTREAM, false, HttpResponseStatus.GATEWAY_TIMEOUT),
    /** Nothing moved on the upstream connection for idle-timeout mid-exchange. */
    UPSTREAM_IDLE(Source.UPSTREAM, false, HttpResponseStatus.GATEWAY_TIMEOUT),
    /** The upstream sent something that is not valid HTTP/1.1. */
    BAD_RESPONSE(Source.UPSTREAM, false, HttpResponseStatus.BAD_GATEWAY),
    /** The client closed its connection or went idle mid-exchange. */
    DOWNSTREAM_GONE(Source.DOWNSTREAM, false, null),
    /** A bug or resource failure inside the gateway. */
    INTERNAL(Source.INTERNAL, false, HttpResponseStatus.INTERNAL_SERVER_ERROR);

    enum Source { DOWNSTREAM, UPSTREAM, INTERNAL }

    private final Source source;
    private final boolean retryable;
    private final HttpResponseStatus status;

    ProxyFailure(Source source, boolean retryable, HttpResponseStatus status) {
        this.source = source;
        this.retryable = retryable;
        this.status = status;
    }

    Source source() {
        return source;
    }

    /** Whether another attempt may follow, if the request can still be replayed. */
    boolean retryable() {
        return retryable;
    }

    /** Whether the failure counts against the server's passive health. */
    boolean countsAgainstServer() {
        return source == Source.UPSTREAM;
    }

    /** The status sent downstream when no attempt is left, or null when nobody is there to answer. */
    HttpResponseStatus status() {
        return status;
    }
}
