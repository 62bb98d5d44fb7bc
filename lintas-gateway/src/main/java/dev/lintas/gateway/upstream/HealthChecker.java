package dev.lintas.gateway.upstream;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.lintas.gateway.config.HealthCheckConfig;
import dev.lintas.runtime.RuntimeContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Active health checks of one upstream: every {@code interval}, a GET of the configured path on each server, on a
 * fresh connection. {@code rise} successes in a row bring a server up and {@code fall} failures take it down. A
 * success is a 2xx or 3xx status within {@code timeout}.
 * <p>
 * Each server's check runs on one event loop, which owns that server's counters.
 */
final class HealthChecker {

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final Upstream upstream;
    private final HealthCheckConfig config;
    private final RuntimeContext context;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final java.util.List<ScheduledFuture<?>> schedules = new java.util.ArrayList<>();

    HealthChecker(Upstream upstream, RuntimeContext context) {
        this.upstream = upstream;
        this.config = upstream.config().healthCheck();
        this.context = context;
    }

    void start() {
        long interval = config.interval().toMillis();
        for (Server server : upstream.servers()) {
            EventLoop loop = context.loops().next();
            ServerCheck check = new ServerCheck(server, loop);
            synchronized (schedules) {
                // The first check runs at once, so that a dead server is found before traffic reaches it.
                schedules.add(loop.scheduleWithFixedDelay(check::run, 0, interval, TimeUnit.MILLISECONDS));
            }
        }
    }

    void stop() {
        stopped.set(true);
        synchronized (schedules) {
            schedules.forEach(schedule -> schedule.cancel(false));
        }
    }

    /** The counters of one server. Event loop only. */
    private final class ServerCheck {
        private final Server server;
        private final EventLoop loop;
        private int successes;
        private int failures;
        private boolean running;

        ServerCheck(Server server, EventLoop loop) {
            this.server = server;
            this.loop = loop;
        }

        void run() {
            if (running || stopped.get()) {
                return; // the previous check is still waiting for its timeout
            }
            running = true;
            long timeoutMillis = config.timeout().toMillis();
            new Bootstrap()
                    .group(loop)
                    .channel(context.transport().socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeoutMillis, Integer.MAX_VALUE))
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new ProbeHandler(ServerCheck.this));
                        }
                    })
                    .connect(server.address())
                    .addListener((ChannelFutureListener) connect -> {
                        if (!connect.isSuccess()) {
                            done(false, describe(connect.cause()), null);
                            return;
                        }
                        Channel channel = connect.channel();
                        ScheduledFuture<?> timeout = loop.schedule(() -> {
                            done(false, "no answer within " + config.timeout().toMillis() + "ms", channel);
                        }, timeoutMillis, TimeUnit.MILLISECONDS);
                        channel.closeFuture().addListener(f -> {
                            timeout.cancel(false);
                            done(false, "connection closed before a response", null);
                        });
                        DefaultFullHttpRequest probe = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                                HttpMethod.GET, config.path());
                        probe.headers()
                                .set(HttpHeaderNames.HOST, server.config().address().toString())
                                .set(HttpHeaderNames.USER_AGENT, "lintas-health-check")
                                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                        channel.writeAndFlush(probe);
                    });
        }

        /** Ends the current check; later calls for the same check do nothing. */
        void done(boolean ok, String why, Channel channel) {
            boolean first = running;
            running = false;
            // Closing notifies the close listener at once, which calls back here: the check must be over first.
            if (channel != null) {
                channel.close();
            }
            if (!first || stopped.get()) {
                return;
            }
            if (ok) {
                failures = 0;
                server.checkPassed(System.nanoTime());
                if (!server.isCheckedUp() && ++successes >= config.rise()) {
                    server.checkedUp(true);
                    log.info("upstream {}: server {} is up ({} check(s) passed)", upstream.name(), server.label(),
                            successes);
                }
            } else {
                successes = 0;
                if (server.isCheckedUp() && ++failures >= config.fall()) {
                    server.checkedUp(false);
                    log.warn("upstream {}: server {} is down ({} check(s) failed; last: {})", upstream.name(),
                            server.label(), failures, why);
                }
            }
        }
    }

    private static String describe(Throwable cause) {
        return cause == null ? "failed" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private static final class ProbeHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final ServerCheck check;

        ProbeHandler(ServerCheck check) {
            this.check = check;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
            if (message instanceof HttpResponse response) {
                int code = response.status().code();
                boolean ok = response.decoderResult().isSuccess() && code >= 200 && code < 400;
                check.done(ok, "status " + code, ctx.channel());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            check.done(false, describe(cause), ctx.channel());
        }
    }
}
