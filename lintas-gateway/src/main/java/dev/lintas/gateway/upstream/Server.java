package dev.lintas.gateway.upstream;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lintas.gateway.config.ServerConfig;

/**
 * One upstream server and what is known of its health. Read and written from every event loop, so each field is
 * either final, atomic or volatile; the passive failure window is guarded by {@code this}.
 */
public final class Server {

    private final ServerConfig config;
    private final InetSocketAddress address;
    private final String label;
    private final int maxFails;
    private final long failTimeoutNanos;
    private final ConnectionPool pool;

    /** Requests in flight, for least-conn and random-two. */
    private final AtomicInteger active = new AtomicInteger();

    /** Passive health: failures counted within the current window, guarded by {@code this}. */
    private int failures;
    private long windowStart;
    private volatile long downUntil;

    /** Active health: up until the checker says otherwise. */
    private volatile boolean checkedUp = true;

    Server(ServerConfig config, InetSocketAddress address, int maxFails, long failTimeoutNanos,
            ConnectionPool pool) {
        this.config = config;
        this.address = address;
        this.label = config.address().toString();
        this.maxFails = maxFails;
        this.failTimeoutNanos = failTimeoutNanos;
        this.pool = pool;
    }

    public ServerConfig config() {
        return config;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The address as written in config: the name used in logs and metrics. */
    public String label() {
        return label;
    }

    public int weight() {
        return config.weight();
    }

    public boolean isBackup() {
        return config.backup();
    }

    public ConnectionPool pool() {
        return pool;
    }

    public int active() {
        return active.get();
    }

    public void requestStarted() {
        active.incrementAndGet();
    }

    public void requestEnded() {
        active.decrementAndGet();
    }

    /** Whether this server may be given requests now: the active check says up and no passive timeout runs. */
    public boolean isAvailable(long nowNanos) {
        return checkedUp && nowNanos - downUntil >= 0;
    }

    public boolean isCheckedUp() {
        return checkedUp;
    }

    void checkedUp(boolean up) {
        checkedUp = up;
    }

    /** A passed active check ends a passive timeout: the server has just shown that it answers. */
    void checkPassed(long nowNanos) {
        if (nowNanos - downUntil < 0) {
            downUntil = nowNanos;
        }
    }

    /**
     * Counts a failed attempt. {@code max-fails} failures within {@code fail-timeout} take the server out for
     * {@code fail-timeout}; a {@code max-fails} of 0 turns passive checks off.
     *
     * @return true when this failure took the server out
     */
    public boolean recordFailure(long nowNanos) {
        if (maxFails == 0) {
            return false;
        }
        synchronized (this) {
            if (failures == 0 || nowNanos - windowStart > failTimeoutNanos) {
                failures = 0;
                windowStart = nowNanos;
            }
            if (++failures < maxFails) {
                return false;
            }
            failures = 0;
            downUntil = nowNanos + failTimeoutNanos;
            return true;
        }
    }

    public void recordSuccess() {
        if (maxFails != 0) {
            synchronized (this) {
                failures = 0;
            }
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
