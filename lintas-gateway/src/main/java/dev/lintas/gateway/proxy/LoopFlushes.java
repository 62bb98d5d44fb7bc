package dev.lintas.gateway.proxy;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Flushes that wait for the end of the event loop's pass over its ready connections.
 * <p>
 * On a busy loop one pass handles many connections: requests from clients, responses from servers. Flushing each
 * at once makes one write per message and wakes its reader (the server, or the client) once per message; on a
 * machine where the proxy shares its cores with them, each of those wake-ups can preempt the loop in the middle of
 * its pass. Flushing them together after the pass hands every reader all its messages in one wake-up, so that
 * each reader does more per wake-up and switches less. The pass is short, since its writes are what it leaves for
 * the end.
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

    private final ArrayDeque<Channel> pending = new ArrayDeque<>();
    private boolean scheduled;

    private LoopFlushes() {
    }

    /**
     * Flushes {@code channel} once {@code loop}, the loop of the calling thread, has handled every connection of
     * its current pass. The channel may belong to another loop (a pooled connection borrowed from it); Netty hands
     * its flush over. A channel asked twice is flushed twice, which costs nothing the second time.
     * <p>
     * A channel over its high water mark is flushed at once instead: whoever checks its writability next (to stop
     * reading the other side) should judge what the socket could not take, not what merely waited for the pass.
     */
    static void flushAfterPass(Channel channel, EventExecutor loop) {
        if (!channel.isWritable()) {
            channel.flush();
            return;
        }
        LoopFlushes flushes = OF_LOOP.get();
        flushes.pending.add(channel);
        if (!flushes.scheduled) {
            flushes.scheduled = true;
            try {
                loop.execute(flushes);
            } catch (RejectedExecutionException e) {
                flushes.run(); // the loop is shutting down: no pass will end, so flush now
            }
        }
    }

    @Override
    public void run() {
        scheduled = false;
        Channel channel;
        while ((channel = pending.poll()) != null) {
            channel.flush();
        }
    }
}
