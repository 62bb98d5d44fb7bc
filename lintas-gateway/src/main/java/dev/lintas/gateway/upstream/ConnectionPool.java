package dev.lintas.gateway.upstream;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

/**
 * Idle keep-alive connections to one server, kept per event loop and shared between them. A request takes an idle
 * connection of its own loop first, so that both ends of the exchange run on one thread. Failing that, it takes a
 * surplus connection from another loop (one that has sat idle there for a quarter of the keep-alive timeout, so
 * that its own loop is not using it) rather than open a new one; this keeps reuse high when clients are spread
 * unevenly, without making two loops share their busy connections, which would cost a thread hand-off per event.
 * <p>
 * The connection that has been idle longest is taken first (FIFO), so that requests spread evenly over the pooled
 * connections, and so over the worker processes of a server, each of which owns some of them. Taking the newest
 * first would feed back on itself: the connection released last is the one whose answer came last, from the
 * busiest worker, so that worker would get the next request too (with nginx as the server, a benchmark saw one of
 * two workers take all the load). When the load drops, the pool shrinks to the connections that the load uses
 * within {@code keepalive-timeout}: one idle longer is closed when its turn comes, or by the sweep.
 * <p>
 * Thread-safe: any loop acquires and releases.
 */
public final class ConnectionPool {

    private record Idle(Channel channel, long since) {
    }

    private final Map<EventExecutor, ConcurrentLinkedDeque<Idle>> idleByLoop = new IdentityHashMap<>();
    private final ConcurrentLinkedDeque<Idle>[] all;
    private final long keepaliveNanos;
    private final long surplusNanos;
    private final int maxIdle;
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicInteger openCount;
    private volatile boolean closed;

    /**
     * @param openCount counts the open connections of the whole upstream, for the metric
     */
    @SuppressWarnings("unchecked")
    public ConnectionPool(EventLoopGroup loops, long keepaliveNanos, int maxIdle, AtomicInteger openCount) {
        this.keepaliveNanos = keepaliveNanos;
        this.surplusNanos = keepaliveNanos / 4;
        this.maxIdle = maxIdle;
        this.openCount = openCount;
        for (EventExecutor loop : loops) {
            idleByLoop.put(loop, new ConcurrentLinkedDeque<>());
        }
        this.all = idleByLoop.values().toArray(new ConcurrentLinkedDeque[0]);
    }

    /** Counts a newly opened connection until it closes. */
    public void opened(Channel channel) {
        openCount.incrementAndGet();
        channel.closeFuture().addListener(f -> openCount.decrementAndGet());
    }

    /** An open idle connection, preferably of {@code loop}, or null when there is none. */
    public Channel acquire(EventLoop loop, long nowNanos) {
        ConcurrentLinkedDeque<Idle> own = idleByLoop.get(loop);
        Channel channel = own == null ? null : take(own, nowNanos);
        for (int i = 0; channel == null && i < all.length; i++) {
            if (all[i] != own) {
                channel = takeSurplus(all[i], nowNanos);
            }
        }
        return channel;
    }

    /** The oldest idle connection of another loop, if it has waited long enough to be surplus there. */
    private Channel takeSurplus(ConcurrentLinkedDeque<Idle> deque, long nowNanos) {
        Idle oldest = deque.peekFirst();
        if (oldest == null || nowNanos - oldest.since < surplusNanos || !deque.remove(oldest)) {
            return null;
        }
        idleCount.decrementAndGet();
        if (oldest.channel.isActive() && nowNanos - oldest.since < keepaliveNanos) {
            return oldest.channel;
        }
        oldest.channel.close();
        return null;
    }

    private Channel take(ConcurrentLinkedDeque<Idle> deque, long nowNanos) {
        Idle idle;
        while ((idle = deque.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (idle.channel.isActive() && nowNanos - idle.since < keepaliveNanos) {
                return idle.channel;
            }
            idle.channel.close();
        }
        return null;
    }

    /**
     * Keeps {@code channel} for reuse. Returns false when the pool is full or closed; the caller then closes it.
     */
    public boolean release(Channel channel, long nowNanos) {
        if (closed || !channel.isActive()) {
            return false;
        }
        if (idleCount.incrementAndGet() > maxIdle) {
            idleCount.decrementAndGet();
            return false;
        }
        ConcurrentLinkedDeque<Idle> deque = idleByLoop.get(channel.eventLoop());
        if (deque == null) {
            idleCount.decrementAndGet();
            return false;
        }
        deque.addLast(new Idle(channel, nowNanos));
        if (closed) {
            closeIdle();
        }
        return true;
    }

    /** Closes idle connections that have waited {@code keepalive-timeout}, and any that are already closed. */
    public void sweep(long nowNanos) {
        for (ConcurrentLinkedDeque<Idle> deque : all) {
            // The oldest sit at the head.
            Idle idle;
            while ((idle = deque.peekFirst()) != null
                    && (nowNanos - idle.since >= keepaliveNanos || !idle.channel.isActive())) {
                if (deque.remove(idle)) {
                    idleCount.decrementAndGet();
                    idle.channel.close();
                }
            }
        }
    }

    private void closeIdle() {
        for (ConcurrentLinkedDeque<Idle> deque : all) {
            Idle idle;
            while ((idle = deque.pollFirst()) != null) {
                idleCount.decrementAndGet();
                idle.channel.close();
            }
        }
    }

    public int idle() {
        return idleCount.get();
    }

    /** Closes every idle connection and refuses further releases. */
    public void close() {
        closed = true;
        closeIdle();
    }
}
