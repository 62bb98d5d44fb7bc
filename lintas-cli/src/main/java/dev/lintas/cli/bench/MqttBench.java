package dev.lintas.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.lintas.runtime.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

/**
 * Runs one {@link MqttBenchPlan} on event loops of its own:
 * <ol>
 *   <li>connects the subscribers and waits for every SUBACK, then connects the publishers;</li>
 *   <li>starts every publisher on one clock: the warm-up, then the measured phase;</li>
 *   <li>once every publisher has stopped, waits (at most the drain timeout) for the acknowledgements and the
 *       deliveries still in flight, and closes every connection with DISCONNECT;</li>
 *   <li>collects each connection's figures on its own event loop into an {@link MqttBenchResult}.</li>
 * </ol>
 * Every wait is bounded: the connect timeout, the warm-up plus the duration, the drain timeout.
 */
final class MqttBench {

    /** Packets the tool accepts from a server: the largest payload it sends, plus room for the topic and header. */
    private static final int MAX_PACKET_SLACK = 64 * 1024;

    private final MqttBenchPlan plan;

    MqttBench(MqttBenchPlan plan) {
        this.plan = plan;
    }

    MqttBenchResult run() throws InterruptedException {
        // Subscribers and publishers get event loops of their own: on shared loops, flat-out publishers starve the
        // subscribers' reads, and the tool, not the server, sets the received rate.
        EventLoopGroup receiving = Transport.best().newGroup(plan.threads(), "lintas-bench-sub");
        EventLoopGroup sending = Transport.best().newGroup(plan.threads(), "lintas-bench-pub");
        List<BenchSubscriber> subscribers = new ArrayList<>();
        List<BenchPublisher> publishers = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try {
            Bootstrap bootstrap = new Bootstrap().group(receiving).channel(Transport.best().socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) plan.connectTimeout().toMillis());
            for (int i = 0; i < plan.subscribers(); i++) {
                subscribers.add(new BenchSubscriber(plan, i));
            }
            if (!connectAll(bootstrap, subscribers, "subscriber(s) subscribed", errors)) {
                return MqttBenchResult.failed(plan, errors);
            }
            for (int i = 0; i < plan.publishers(); i++) {
                publishers.add(new BenchPublisher(plan, i));
            }
            if (!connectAll(bootstrap.clone(sending), publishers, "publisher(s) connected", errors)) {
                return MqttBenchResult.failed(plan, errors);
            }

            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            long measureStart = start + plan.warmup().toNanos();
            var clock = new BenchPublisher.RunClock(start, measureStart, measureStart + plan.duration().toNanos());
            collect(subscribers, s -> s.prepare(clock));
            publishers.forEach(p -> p.start(clock));

            // Publishers stop by the end of the measured phase at the latest; allow the drain timeout on top.
            long sendDeadline = clock.measureEndNanos() + plan.drainTimeout().toNanos();
            List<BenchPublisher.Result> sent = awaitAll(publishers, BenchPublisher::sendingEnded, sendDeadline);
            if (sent == null) {
                errors.add("publishers did not stop by the end of the measured phase plus the drain timeout");
                return MqttBenchResult.failed(plan, errors);
            }
            long drainDeadline = System.nanoTime() + plan.drainTimeout().toNanos();
            for (int s = 0; s < subscribers.size(); s++) {
                long expected = 0;
                for (BenchPublisher.Result r : sent) {
                    expected += plan.receives(s, r.index()) ? r.measuredSent() : 0;
                }
                subscribers.get(s).expect(expected);
            }
            awaitAll(publishers, BenchPublisher::settled, drainDeadline);
            awaitAll(subscribers, BenchSubscriber::drained, drainDeadline);

            List<BenchPublisher.Result> publisherResults = collect(publishers, BenchPublisher::snapshot);
            closeAll(publishers, subscribers);
            List<BenchSubscriber.Snapshot> received = collect(subscribers, BenchSubscriber::snapshot);
            for (BenchConnection c : concat(subscribers, publishers)) {
                if (c.failure() != null) {
                    errors.add(c.failure());
                }
            }
            return MqttBenchResult.of(plan, clock, publisherResults, received, errors);
        } finally {
            sending.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            receiving.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            sending.terminationFuture().await(10, TimeUnit.SECONDS);
            receiving.terminationFuture().await(10, TimeUnit.SECONDS);
        }
    }

    /** Connects every one of {@code connections} and waits, up to the connect timeout, until all are ready. */
    private boolean connectAll(Bootstrap bootstrap, List<? extends BenchConnection> connections, String what,
            List<String> errors) throws InterruptedException {
        int maxPacket = plan.payloadSize() + MAX_PACKET_SLACK;
        for (BenchConnection connection : connections) {
            bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast("mqtt-decoder", new MqttDecoder(maxPacket))
                            .addLast("mqtt-encoder", MqttEncoder.INSTANCE)
                            .addLast("bench-client", connection);
                }
            }).connect(plan.host(), plan.port()).addListener(f -> {
                if (!f.isSuccess()) {
                    connection.ready().completeExceptionally(f.cause());
                }
            });
        }
        long deadline = System.nanoTime() + plan.connectTimeout().toNanos();
        var all = CompletableFuture.allOf(connections.stream().map(BenchConnection::ready)
                .toArray(CompletableFuture[]::new));
        try {
            all.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            long ready = connections.stream().filter(c -> c.ready().isDone() && !c.ready().isCompletedExceptionally())
                    .count();
            errors.add("only " + ready + " of " + connections.size() + " " + what + " within "
                    + plan.connectTimeout().toMillis() + " ms");
            connections.stream().filter(c -> c.ready().isCompletedExceptionally()).limit(3).forEach(c -> {
                Throwable cause = c.ready().exceptionNow();
                errors.add("  " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
            });
            connections.stream().filter(c -> c.ctx != null).forEach(BenchConnection::close);
            return false;
        }
    }

    /** The values of every future, or null when some are not done by {@code deadlineNanos}. */
    private static <C, T> List<T> awaitAll(List<C> items, Function<C, CompletableFuture<T>> future,
            long deadlineNanos) throws InterruptedException {
        List<T> values = new ArrayList<>(items.size());
        for (C item : items) {
            try {
                values.add(future.apply(item).get(Math.max(0, deadlineNanos - System.nanoTime()),
                        TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                return null;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        return values;
    }

    private <C, T> List<T> collect(List<C> items, Function<C, CompletableFuture<T>> snapshot)
            throws InterruptedException {
        List<T> values = awaitAll(items, snapshot, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        if (values == null) {
            throw new IllegalStateException("an event loop did not answer within 10 s");
        }
        return values;
    }

    private static void closeAll(List<BenchPublisher> publishers, List<BenchSubscriber> subscribers)
            throws InterruptedException {
        List<BenchConnection> all = concat(subscribers, publishers);
        all.forEach(BenchConnection::close);
        for (BenchConnection c : all) {
            c.ctx.channel().closeFuture().await(5, TimeUnit.SECONDS);
        }
    }

    private static List<BenchConnection> concat(List<? extends BenchConnection> a,
            List<? extends BenchConnection> b) {
        List<BenchConnection> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
