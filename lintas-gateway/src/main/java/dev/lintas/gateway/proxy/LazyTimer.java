package dev.lintas.gateway.proxy;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;

/**
 * A timeout that is armed and disarmed on every request at almost no cost. Instead of scheduling and cancelling a
 * task each time, it moves a deadline and keeps at most one task scheduled; when that task runs early, it
 * schedules itself again for what is left. Every arm of one timer must use the same duration, so that deadlines
 * only move later.
 * <p>
 * Event loop only: the executor's.
 */
final class LazyTimer {

    private final EventExecutor executor;
    private final Runnable onExpiry;
    private long deadline;
    private boolean armed;
    private ScheduledFuture<?> task;

    LazyTimer(EventExecutor executor, Runnable onExpiry) {
        this.executor = executor;
        this.onExpiry = onExpiry;
    }

    /** Fires {@code onExpiry} after {@code nanos}, unless disarmed or armed again before then. */
    void arm(long nanos) {
        deadline = System.nanoTime() + nanos;
        armed = true;
        if (task == null) {
            task = executor.schedule(this::check, nanos, TimeUnit.NANOSECONDS);
        }
    }

    void disarm() {
        armed = false;
    }

    boolean armed() {
        return armed;
    }

    /** Disarms and drops the scheduled task, so that a closed connection is not kept reachable until it runs. */
    void cancel() {
        armed = false;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void check() {
        task = null;
        if (!armed) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
            task = executor.schedule(this::check, left, TimeUnit.NANOSECONDS);
            return;
        }
        armed = false;
        onExpiry.run();
    }
}
