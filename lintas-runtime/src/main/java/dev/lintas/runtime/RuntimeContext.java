package dev.lintas.runtime;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import dev.lintas.runtime.net.HostPort;
import dev.lintas.runtime.net.Listeners;
import dev.lintas.runtime.net.Transport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
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

    /**
     * A server bootstrap for a client-facing listener: the shared loops and transport, a deep accept backlog, address
     * reuse and no Nagle delay. The caller adds its child handler (and any option of its own) and calls {@link #bind}.
     */
    public ServerBootstrap listenerBootstrap() {
        return new ServerBootstrap()
                .group(loops)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true);
    }

    /**
     * Binds {@code bootstrap} to {@code address}, waiting at most 10 seconds; throws, with nothing left bound and a
     * message that starts with {@code what}, when it cannot.
     */
    public static Channel bind(ServerBootstrap bootstrap, String what, HostPort address) throws IOException {
        ChannelFuture future = bootstrap.bind(address.resolve());
        if (!future.awaitUninterruptibly(10, TimeUnit.SECONDS) || !future.isSuccess()) {
            future.channel().close();
            Throwable cause = future.cause();
            throw new IOException(what + " cannot bind " + address + ": "
                    + (cause == null ? "timed out" : cause.getMessage()), cause);
        }
        return future.channel();
    }

    @Override
    public void close() {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        metrics.close();
    }
}
