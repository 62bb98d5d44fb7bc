package dev.lintas.gateway.proxy;

import java.util.ArrayList;
import java.util.List;

import dev.lintas.gateway.upstream.Server;
import dev.lintas.gateway.upstream.Upstream;

/**
 * The attempts of one exchange on its upstream: the servers tried, how many attempts were made, and whether one more
 * is allowed. A request moves to another server after a failure that allows it ({@link ProxyFailure#retryable()})
 * while the attempts stay within the upstream's {@code retries} and its total timeout, and, once any byte of the
 * request went out, only if what was sent can be sent again (an idempotent request whose body is still held). A
 * pooled connection that the server closed while it sat idle is not the server's fault: the request gets one retry
 * on a fresh connection to the same server, not counted as an attempt.
 * <p>
 * Event loop only, like its exchange.
 */
final class Attempts {

    private final Upstream upstream;
    private final long clientKey;
    private final long startNanos;
    private final List<Server> tried = new ArrayList<>(2);
    private int made;
    private boolean freshRetried;

    /**
     * @param clientKey the client's key for the balancers that keep a client on one server
     * @param startNanos when the exchange started, for the total timeout
     */
    Attempts(Upstream upstream, long clientKey, long startNanos) {
        this.upstream = upstream;
        this.clientKey = clientKey;
        this.startNanos = startNanos;
    }

    /** The server for the next attempt, one not tried yet when there is such a one; null when none is available. */
    Server choose(long nowNanos) {
        return upstream.choose(clientKey, tried, nowNanos);
    }

    /** Counts an attempt on {@code target}. */
    void started(Server target) {
        made++;
        if (!tried.contains(target)) {
            tried.add(target);
        }
    }

    /**
     * Whether a connection reset on a reused pooled connection gets its one retry on a fresh connection to the same
     * server; if so, the failed attempt no longer counts.
     */
    boolean freshRetry(ProxyFailure failure, boolean reused, boolean anySent, boolean replayable, long nowNanos) {
        if (failure != ProxyFailure.UPSTREAM_RESET || !reused || freshRetried
                || !mayRetry(failure, anySent, replayable, nowNanos)) {
            return false;
        }
        freshRetried = true;
        made--;
        return true;
    }

    /** The server to move on to after {@code failure}, or null when the exchange has to give up. */
    Server next(ProxyFailure failure, boolean anySent, boolean replayable, long nowNanos) {
        return mayRetry(failure, anySent, replayable, nowNanos) ? choose(nowNanos) : null;
    }

    private boolean mayRetry(ProxyFailure failure, boolean anySent, boolean replayable, long nowNanos) {
        if (!failure.retryable() || made > upstream.config().retries()) {
            return false;
        }
        if (nowNanos - startNanos > upstream.config().totalTimeout().toNanos()) {
            return false;
        }
        // Once any byte is out, only an idempotent request whose sent body is still held may be sent again.
        return !anySent || replayable;
    }
}
