package dev.lintas.broker.store;

import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.QueueSpec;
import dev.lintas.broker.core.Subscription;
import dev.lintas.broker.core.VirtualHost;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of {@link CrashTest}: recovers the store in the directory given, then publishes persistent messages
 * from four threads and consumes some from another, until it is killed. It prints {@code ACK <body>} once a publish
 * is durable (what a broker would acknowledge) and {@code TAKEN <body>} before it acknowledges a consumed one.
 */
public final class CrashLoad {

    private CrashLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String round = args[1];
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        DurableStore store = DurableStore.open(dir, StoreOptions.of(FsyncPolicy.ALWAYS).withSegmentBytes(64 * 1024)
                .withCompaction(2, 256 * 1024));
        VirtualHost host = new VirtualHost("/", System::currentTimeMillis, QueueJournal.NONE, store);
        store.recovery().restore(host);
        host.declareQueue(QueueSpec.named("crash").asDurable(), null);
        synchronized (out) {
            out.println("READY " + store.recovery().summary());
            out.flush();
        }
        for (int t = 0; t < 4; t++) {
            String prefix = "r" + round + "-t" + t + "-";
            Semaphore window = new Semaphore(256);
            Thread publisher = new Thread(() -> {
                for (long seq = 0; ; seq++) {
                    window.acquireUninterruptibly();
                    String body = prefix + seq;
                    host.publishDurably(host.message("", "crash").payload(body.getBytes(StandardCharsets.UTF_8))
                            .persistent(true).build()).durable().whenComplete((ok, error) -> {
                                window.release();
                                if (error == null) {
                                    synchronized (out) {
                                        out.println("ACK " + body);
                                        out.flush();
                                    }
                                }
                            });
                }
            }, "publisher-" + t);
            publisher.start();
        }
        Subscription consumer = host.queue("crash", null).getter();
        while (true) {
            Optional<Delivery> next = consumer.get(false);
            if (next.isEmpty()) {
                LockSupport.parkNanos(1_000_000);
                continue;
            }
            String body = new String(next.get().message().payload(), StandardCharsets.UTF_8);
            synchronized (out) {
                out.println("TAKEN " + body);
                out.flush();
            }
            consumer.ack(next.get().tag(), false);
            LockSupport.parkNanos(200_000); // consume slower than the publishers, so the queue grows
        }
    }
}
