package dev.lintas.runtime;

import java.util.concurrent.TimeUnit;

import dev.lintas.runtime.net.Listeners;
import dev.lintas.runtime.net.Transport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;

/**
 * What every part of the process shares: one transport and event-loop group, the metrics registry and the
 * listener registry. The gateway and the broker receive it from the CLI and never create their own loops.
 */
public final class RuntimeContext implements AutoCloseable {

    private final Transport transport;
    private final EventLoopGroup loops;
    private final PrometheusMeterRegistry metrics;
    private final Listeners listeners = new Listeners();

    public RuntimeContext(int threads) {
        this(Transport.best(), threads);
    }

    public RuntimeContext(Transport transport, int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: > 0)");
        }
        this.transport = transport;
        this.loops = transport.newGroup(threads, "lintas-loop");
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** One event loop per core, the size that keeps every core busy without handing work between threads. */
    public static RuntimeContext withDefaultThreads() {
        return new RuntimeContext(Runtime.getRuntime().availableProcessors());
    }

    public Transport transport() {
        return transport;
    }

    public EventLoopGroup loops() {
        return loops;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public Listeners listeners() {
        return listeners;
    }

    @Override
    public void close() {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        metrics.close();
    }
}
