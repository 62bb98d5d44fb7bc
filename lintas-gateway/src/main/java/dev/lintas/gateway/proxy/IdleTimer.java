package dev.lintas.gateway.proxy;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;

/**
 * An idle timeout that costs one field write per event: activity only sets a flag, and a task that runs every
 * quarter of the timeout counts the quarters with no activity. It fires after four quiet quarters, that is between
 * the timeout and a quarter more after the last activity.
 * <p>
 * Event loop only: the executor's.
 */
final class IdleTimer {

    private final EventExecutor executor;
    private final long quarterNanos;
    private final Runnable onIdle;
    private boolean touched;
    private int quietQuarters;
    private boolean running;
    private ScheduledFuture<?> task;

    IdleTimer(EventExecutor executor, long timeoutNanos, Runnable onIdle) {
        this.executor = executor;
        this.quarterNanos = Math.max(1, timeoutNanos / 4);
        this.onIdle = onIdle;
    }

    /** Starts counting from now. */
    void start() {
        touched = false;
        quietQuarters = 0;
        running = true;
        if (task == null) {
            task = executor.scheduleAtFixedRate(this::tick, quarterNanos, quarterNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Something was read or written. */
    void touch() {
        touched = true;
    }

    /** Stops counting until the next {@link #start()}; the periodic task stays, to avoid rescheduling. */
    void pause() {
        running = false;
    }

    /** Stops for good. */
    void cancel() {
        running = false;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void tick() {
        if (!running) {
            return;
        }
        if (touched) {
            touched = false;
            quietQuarters = 0;
        } else if (++quietQuarters >= 4) {
            running = false;
            onIdle.run();
        }
    }
}
