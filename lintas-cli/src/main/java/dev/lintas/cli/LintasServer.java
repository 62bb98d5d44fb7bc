package dev.lintas.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.lintas.broker.Broker;
import dev.lintas.broker.config.BrokerConfig;
import dev.lintas.gateway.Gateway;
import dev.lintas.runtime.RuntimeContext;
import dev.lintas.runtime.admin.AdminServer;
import dev.lintas.runtime.config.ConfigException;
import dev.lintas.runtime.config.ConfigProblem;

/**
 * One running Lintas: the shared runtime, the admin listener, the gateway and the broker, started from one config and
 * reloaded or stopped as a whole. Reloads and the stop run one at a time on a control thread, never on an event
 * loop.
 */
final class LintasServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LintasServer.class);

    private final RuntimeContext context;
    private final int threads;
    private final ExecutorService control = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("lintas-control").daemon().factory());
    private LintasConfig config;
    private AdminServer admin;
    private Gateway gateway;
    private Broker broker;
    private boolean stopped;

    LintasServer(LintasConfig config, int threads) {
        this.config = config;
        this.context = new RuntimeContext(threads);
        this.threads = threads;
    }

    /** Starts every configured part; throws when a listener cannot be bound. */
    void start() throws IOException, InterruptedException {
        log.info("Lintas {} starting from {} on {} event loop(s), {} transport", Version.get(), config.source(),
                threads, context.transport().name().toLowerCase());
        try {
            if (config.admin() != null) {
                admin = new AdminServer(context, this::reload);
                admin.start(config.admin()).get(10, TimeUnit.SECONDS);
            }
            if (config.gateway() != null) {
                gateway = new Gateway(context);
                gateway.start(config.gateway()).get(10, TimeUnit.SECONDS);
            }
            if (config.broker() != null) {
                broker = new Broker(context, config.broker().mqttSettings(), config.broker().auth());
                broker.start(config.broker());
            }
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException(cause.getMessage(), cause);
        }
    }

    /** Reads the config file again and applies it; runs on the control thread. */
    CompletableFuture<String> reload() {
        try {
            return CompletableFuture.supplyAsync(this::reloadNow, control);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("shutting down"));
        }
    }

    private String reloadNow() {
        if (stopped) {
            throw new IllegalStateException("shutting down");
        }
        if (config.file() == null) {
            log.info("reload: running on built-in defaults, there is no file to read");
            return "nothing to reload: running on built-in defaults";
        }
        LintasConfig next;
        try {
            next = LintasConfig.load(config.file());
        } catch (ConfigException e) {
            log.error("reload refused, the running config stays: {} problem(s) in {}", e.problems().size(),
                    config.file());
            StringBuilder text = new StringBuilder("reload refused, the running config stays:");
            for (ConfigProblem problem : e.problems()) {
                log.error("  {}", problem);
                text.append('\n').append(problem);
            }
            throw new IllegalArgumentException(text.toString());
        }
        if ((config.admin() == null) != (next.admin() == null)
                || (next.admin() != null && !next.admin().listen().equals(config.admin().listen()))) {
            log.warn("reload: the admin listener changed; that takes effect at the next restart");
        }
        Runnable tls = () -> { };
        try {
            if (broker != null && next.broker() != null) {
                tls = broker.prepareTlsReload(next.broker()); // Every file read before anything changes.
            }
            if (gateway != null && next.gateway() != null) {
                gateway.reload(next.gateway()).get(10, TimeUnit.SECONDS);
            } else if (gateway == null && next.gateway() != null) {
                Gateway started = new Gateway(context);
                started.start(next.gateway()).get(10, TimeUnit.SECONDS);
                gateway = started;
            } else if (gateway != null) {
                gateway.stop();
                gateway = null;
            }
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("reload failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("reload interrupted", e);
        }
        tls.run();
        if (!BrokerConfig.sameSettings(config.broker(), next.broker())) {
            log.warn("reload: the broker section changed; that takes effect at the next restart");
        }
        config = new LintasConfig(next.file(), config.admin(), next.gateway(), config.broker());
        log.info("reloaded {}", config.source());
        return "reloaded " + config.source();
    }

    /** The broker's MQTT address, for tests that bind port 0. */
    InetSocketAddress mqttAddress() {
        return broker == null ? null : broker.mqttAddress();
    }

    /** The broker's MQTT-over-WebSocket address, for tests that bind port 0. */
    InetSocketAddress mqttWebSocketAddress() {
        return broker == null ? null : broker.mqttWebSocketAddress();
    }

    /** The broker's MQTT-over-TLS address, for tests that bind port 0. */
    InetSocketAddress mqttTlsAddress() {
        return broker == null ? null : broker.mqttTlsAddress();
    }

    /** The gateway's bound address for a listener, for tests that bind port 0. */
    InetSocketAddress gatewayAddress(String listener) {
        return gateway == null ? null : gateway.address(listener);
    }

    InetSocketAddress adminAddress() {
        return context.listeners().address("admin");
    }

    /** Stops accepting, drains requests in flight, and releases everything. */
    @Override
    public void close() {
        if (control.isShutdown()) {
            return;
        }
        try {
            control.submit(this::stopNow).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.error("stop failed", e.getCause());
        }
        control.shutdown();
    }

    private void stopNow() {
        if (stopped) {
            return;
        }
        stopped = true;
        log.info("stopping: draining requests in flight");
        if (gateway != null) {
            gateway.stop();
        }
        if (broker != null) {
            broker.stop();
        }
        if (admin != null) {
            admin.stop();
        }
        context.close();
        log.info("stopped");
    }
}
