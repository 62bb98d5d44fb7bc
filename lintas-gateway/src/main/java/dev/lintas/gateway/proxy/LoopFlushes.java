package dev.lintas.gateway.proxy;

import java.util.ArrayDeque;

import io.netty.channel.ChannelOutboundInvoker;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Flushes that wait for the end of the event loop's pass over its ready connections.
 * <p>
 * On a busy loop one pass handles many connections: requests from clients, responses from servers. Flushing each
 * at once makes one write per message and wakes its reader (the server, or the client) once per message; on a
 * machine where the proxy shares its cores with them, each of those wake-ups can preempt the loop in the middle of
 * its pass. Flushing them together after the pass hands every reader all its messages in one wake-up, which costs
 * all three sides less CPU per request and takes no longer: the writes would have waited for the same pass anyway
 * whenever the reader had preempted the loop.
 * <p>
 * One instance per event-loop thread, used only on it.
 */
final class LoopFlushes implements Runnable {

    private static final FastThreadLocal<LoopFlushes> OF_LOOP = new FastThreadLocal<>() {
        @Override
        protected LoopFlushes initialValue() {
            return new LoopFlushes();
        }
    };

    private final ArrayDeque<ChannelOutboundInvoker> pending = new ArrayDeque<>();
    private boolean scheduled;

    private LoopFlushes() {
    }

    /**
     * Flushes {@code target} once the loop has handled every connection of its current pass. Call it on the loop
     * that owns {@code target}; a target asked twice is flushed twice, which costs nothing the second time.
     */
    static void flushAfterPass(ChannelOutboundInvoker target, EventExecutor loop) {
        LoopFlushes flushes = OF_LOOP.get();
        flushes.pending.add(target);
        if (!flushes.scheduled) {
            flushes.scheduled = true;
            loop.execute(flushes);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        ChannelOutboundInvoker target;
        while ((target = pending.poll()) != null) {
            target.flush();
        }
    }
}
