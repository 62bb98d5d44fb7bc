package dev.lintas.broker.store;

import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.QueueSpec;
import dev.lintas.broker.core.RetainedStore;
import dev.lintas.broker.core.Session;
import dev.lintas.broker.core.SessionRegistry;
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
 * <p>
 * A fifth thread works the MQTT state as the adapter would: a QoS 2 packet id received with a retained message, both
 * covered by one wait ({@code QOS2 <id>} and {@code RETAINED <topic> <body>} once durable), and every other id
 * released ({@code RELEASING <id>} before, {@code RELEASED <id>} once durable).
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
        RetainedStore retained = new RetainedStore(System::currentTimeMillis, store);
        SessionRegistry<String> sessions = new SessionRegistry<>(System::currentTimeMillis, "mqtt.", store);
        store.recovery().restoreRetained(retained);
        store.recovery().restoreSessions(sessions);
        host.declareQueue(QueueSpec.named("crash").asDurable(), null);
        Session<String> session = sessions.connect("crash-client", "child", false, SessionRegistry.NEVER).session();
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
        Thread mqttState = new Thread(() -> {
            Semaphore window = new Semaphore(64);
            for (int seq = 0; ; seq++) {
                window.acquireUninterruptibly();
                int packetId = Integer.parseInt(round) * 1_000_000 + seq;
                String topic = "t" + seq % 8;
                String body = "r" + round + "-" + seq;
                long position = host.durablePosition();
                session.qos2Received(packetId);
                retained.retain(host.message("amq.topic", topic).payload(body.getBytes(StandardCharsets.UTF_8))
                        .build());
                host.durableSince(position).whenComplete((ok, error) -> {
                    window.release();
                    if (error == null) {
                        print(out, "QOS2 " + packetId + "\nRETAINED " + topic + " " + body);
                    }
                });
                if (seq % 2 == 1) {
                    int released = packetId - 1;
                    print(out, "RELEASING " + released); // from here on, its state is not known after a crash
                    long before = host.durablePosition();
                    session.qos2Released(released);
                    host.durableSince(before).whenComplete((ok, error) -> {
                        if (error == null) {
                            print(out, "RELEASED " + released);
                        }
                    });
                }
            }
        }, "mqtt-state");
        mqttState.start();
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

    private static void print(PrintStream out, String lines) {
        synchronized (out) {
            out.println(lines);
            out.flush();
        }
    }
}
