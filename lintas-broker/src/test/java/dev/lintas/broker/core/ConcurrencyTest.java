package dev.lintas.broker.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several publishers and several acknowledging consumers on one queue at once, some deliveries requeued along the way:
 * every message is acknowledged exactly once, and nothing is left over.
 */
class ConcurrencyTest {

    private static final int PUBLISHERS = 4;
    private static final int PER_PUBLISHER = 5_000;
    private static final int CONSUMERS = 3;
    private static final int TOTAL = PUBLISHERS * PER_PUBLISHER;

    @Test
    @Timeout(60)
    void nothingIsLostOrAcknowledgedTwice() throws Exception {
        VirtualHost host = new VirtualHost("/", System::currentTimeMillis, QueueJournal.NONE);
        host.declareExchange(ExchangeSpec.of("work", ExchangeType.DIRECT));
        Queue queue = Hosts.declare(host, QueueSpec.named("jobs"));
        host.bind(Binding.of("work", "jobs", "job"), null);

        ConcurrentHashMap<Integer, Integer> acked = new ConcurrentHashMap<>();
        AtomicInteger redeliveries = new AtomicInteger();
        CountDownLatch allAcked = new CountDownLatch(TOTAL);
        ExecutorService threads = Executors.newFixedThreadPool(PUBLISHERS + CONSUMERS);
        List<Future<?>> running = new ArrayList<>();
        try {
            // Each consumer hands its deliveries to its own thread, as an adapter hands them to an event loop.
            for (int c = 0; c < CONSUMERS; c++) {
                BlockingQueue<Delivery> inbox = new LinkedBlockingQueue<>();
                Subscription subscription = queue.consume(inbox::add, ConsumeOptions.manualAck("c" + c, 50));
                running.add(threads.submit(() -> {
                    while (allAcked.getCount() > 0) {
                        Delivery delivery = inbox.poll(10, TimeUnit.MILLISECONDS);
                        if (delivery == null) {
                            continue;
                        }
                        if (delivery.redelivered()) {
                            redeliveries.incrementAndGet();
                        }
                        if (!delivery.redelivered() && ThreadLocalRandom.current().nextInt(20) == 0) {
                            subscription.nack(delivery.tag(), false, true);
                            continue;
                        }
                        int id = ByteBuffer.wrap(delivery.message().payload()).getInt();
                        assertThat(acked.merge(id, 1, Integer::sum)).as("acks of message %d", id).isEqualTo(1);
                        subscription.ack(delivery.tag(), false);
                        allAcked.countDown();
                    }
                    return null;
                }));
            }
            for (int p = 0; p < PUBLISHERS; p++) {
                int first = p * PER_PUBLISHER;
                running.add(threads.submit(() -> {
                    for (int i = first; i < first + PER_PUBLISHER; i++) {
                        byte[] payload = ByteBuffer.allocate(4).putInt(i).array();
                        assertThat(host.publish(host.message("work", "job").payload(payload).build()).routed())
                                .isEqualTo(1);
                    }
                    return null;
                }));
            }

            assertThat(allAcked.await(50, TimeUnit.SECONDS)).as("every message acknowledged in time").isTrue();
            for (Future<?> task : running) {
                task.get(10, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(acked).hasSize(TOTAL);
        assertThat(redeliveries.get()).isPositive();
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, CONSUMERS, 0));
    }
}
