package dev.lintas.broker.core;

import static dev.lintas.broker.core.Hosts.send;
import static dev.lintas.broker.core.Refusals.errorOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Consumers, prefetch, acknowledgement, requeue and redelivery on one queue. */
class QueueDeliveryTest {

    private final VirtualHost host = new VirtualHost("/", new FakeClock(), QueueJournal.NONE);
    private final Queue queue = Hosts.declare(host, QueueSpec.named("work"));

    private void sendAll(int count) {
        for (int i = 0; i < count; i++) {
            send(host, "work", "m" + i);
        }
    }

    @Test
    void competingConsumersTakeTurns() {
        RecordingConsumer a = new RecordingConsumer();
        RecordingConsumer b = new RecordingConsumer();
        RecordingConsumer c = new RecordingConsumer();
        queue.consume(a, ConsumeOptions.autoAck("a"));
        queue.consume(b, ConsumeOptions.autoAck("b"));
        queue.consume(c, ConsumeOptions.autoAck("c"));

        sendAll(9);

        assertThat(a.payloads()).containsExactly("m0", "m3", "m6");
        assertThat(b.payloads()).containsExactly("m1", "m4", "m7");
        assertThat(c.payloads()).containsExactly("m2", "m5", "m8");
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 3, 0));
    }

    @Test
    void backlogIsSharedByConsumersThatArriveLater() {
        sendAll(4);
        RecordingConsumer a = new RecordingConsumer();
        queue.consume(a, ConsumeOptions.manualAck("a", 1));
        RecordingConsumer b = new RecordingConsumer();
        queue.consume(b, ConsumeOptions.manualAck("b", 1));

        assertThat(a.payloads()).containsExactly("m0");
        assertThat(b.payloads()).containsExactly("m1");
        assertThat(queue.stats().ready()).isEqualTo(2);
    }

    @Test
    void prefetchHoldsBackDeliveriesUntilAnAck() {
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.manualAck("c", 2));

        sendAll(5);
        assertThat(consumer.payloads()).containsExactly("m0", "m1");
        assertThat(queue.stats()).isEqualTo(new QueueStats(3, 2, 1, 6));

        subscription.ack(consumer.deliveries().get(0).tag(), false);
        assertThat(consumer.payloads()).containsExactly("m0", "m1", "m2");
        assertThat(subscription.unackedCount()).isEqualTo(2);
    }

    @Test
    void aBusyConsumerIsPassedOverForOneWithRoom() {
        RecordingConsumer full = new RecordingConsumer();
        RecordingConsumer free = new RecordingConsumer();
        queue.consume(full, ConsumeOptions.manualAck("full", 1));
        queue.consume(free, ConsumeOptions.manualAck("free", 0));

        sendAll(4);

        assertThat(full.payloads()).containsExactly("m0");
        assertThat(free.payloads()).containsExactly("m1", "m2", "m3");
    }

    @Test
    void multipleAckSettlesEverythingUpToTheTag() {
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.manualAck("c", 0));
        sendAll(5);
        List<Delivery> deliveries = consumer.deliveries();

        subscription.ack(deliveries.get(2).tag(), true);
        assertThat(subscription.unackedCount()).isEqualTo(2);

        subscription.ack(0, true);
        assertThat(subscription.unackedCount()).isZero();
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 1, 0));
    }

    @Test
    void ackEachSettlesTheTagsNamedAndLeavesTheOthersThenDispatchesOnce() {
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.manualAck("c", 4));
        sendAll(6);
        List<Delivery> deliveries = consumer.deliveries();
        assertThat(consumer.payloads()).containsExactly("m0", "m1", "m2", "m3");

        // m0 and m2 settled, m1 and m3 still held: the prefetch window reopens by two.
        subscription.ackEach(new long[] {deliveries.get(0).tag(), deliveries.get(2).tag(), -1}, 2);

        assertThat(consumer.payloads()).containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
        assertThat(subscription.unackedCount()).isEqualTo(4);
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 4, 1, 0));
        subscription.ackEach(new long[0], 0);
        assertThat(subscription.unackedCount()).isEqualTo(4);
    }

    @Test
    void ackEachWithAnUnknownTagIsAPreconditionFailureThatChangesNothing() {
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.manualAck("c", 0));
        sendAll(2);
        long first = consumer.deliveries().get(0).tag();

        assertThat(errorOf(() -> subscription.ackEach(new long[] {first, first + 100}, 2)))
                .isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(subscription.unackedCount()).isEqualTo(2);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> subscription.ackEach(new long[] {first}, 2))
                .withMessage("count: 2 (expected: 0 to 1)");
    }

    @Test
    void anUnknownDeliveryTagIsAPreconditionFailureThatChangesNothing() {
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.manualAck("c", 0));
        sendAll(2);
        long first = consumer.deliveries().get(0).tag();

        subscription.ack(first, false);
        assertThat(errorOf(() -> subscription.ack(first, false))).isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(errorOf(() -> subscription.ack(first + 100, true))).isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(subscription.unackedCount()).isEqualTo(1);
    }

    @Test
    void autoAckDeliveriesCannotBeAcknowledged() {
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.autoAck("c"));
        sendAll(1);
        assertThat(errorOf(() -> subscription.ack(consumer.last().tag(), false)))
                .isEqualTo(BrokerError.PRECONDITION_FAILED);
    }

    @Test
    void nackWithRequeuePutsMessagesBackInPlaceAsRedelivered() {
        sendAll(3);
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.manualAck("c", 2));
        assertThat(consumer.payloads()).containsExactly("m0", "m1");
        assertThat(consumer.deliveries()).allSatisfy(d -> {
            assertThat(d.redelivered()).isFalse();
            assertThat(d.deliveryCount()).isEqualTo(1);
        });

        subscription.nack(consumer.deliveries().get(1).tag(), false, true);
        subscription.nack(consumer.deliveries().get(0).tag(), false, true);

        // Each went back ahead of m2, and came straight back as redelivered.
        assertThat(consumer.payloads()).containsExactly("m0", "m1", "m1", "m0");
        Delivery again = consumer.deliveries().get(2);
        assertThat(again.redelivered()).isTrue();
        assertThat(again.deliveryCount()).isEqualTo(2);

        // Requeued together, they resume their original order.
        subscription.nack(0, true, true);
        assertThat(consumer.payloads()).containsExactly("m0", "m1", "m1", "m0", "m0", "m1");
        assertThat(consumer.last().deliveryCount()).isEqualTo(3);
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 2, 1, 2));
    }

    @Test
    void rejectWithoutRequeueAndWithoutDeadLetterExchangeDropsTheMessage() {
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.manualAck("c", 0));
        sendAll(2);
        subscription.reject(consumer.deliveries().get(0).tag(), false);
        subscription.nack(0, true, false);
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 1, 0));
        assertThat(consumer.count()).isEqualTo(2);
    }

    @Test
    void closingASubscriptionRequeuesItsUnackedMessagesForTheOthers() {
        RecordingConsumer first = new RecordingConsumer();
        Subscription leaving = queue.consume(first, ConsumeOptions.manualAck("first", 2));
        sendAll(2);
        RecordingConsumer second = new RecordingConsumer();
        queue.consume(second, ConsumeOptions.manualAck("second", 0));

        leaving.close();

        assertThat(second.payloads()).containsExactly("m0", "m1");
        assertThat(second.deliveries()).allSatisfy(d -> assertThat(d.redelivered()).isTrue());
        assertThat(queue.stats().consumers()).isEqualTo(1);
        leaving.close();
    }

    @Test
    void cancelStopsDeliveriesButKeepsUnackedMessagesSettleable() {
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.manualAck("c", 0));
        sendAll(2);

        subscription.cancel();
        sendAll(1);
        assertThat(consumer.count()).isEqualTo(2);
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 2, 0, 2));

        subscription.ack(consumer.deliveries().get(0).tag(), false);
        subscription.close();
        assertThat(queue.stats()).isEqualTo(new QueueStats(2, 0, 0, 4));
    }

    @Test
    void aConsumerMayAcknowledgeFromInsideItsCallback() {
        List<String> seen = new ArrayList<>();
        Subscription[] self = new Subscription[1];
        self[0] = queue.consume(delivery -> {
            seen.add(new String(delivery.message().payload()));
            self[0].ack(delivery.tag(), false);
        }, ConsumeOptions.manualAck("c", 1));

        sendAll(100);

        assertThat(seen).hasSize(100).startsWith("m0", "m1").endsWith("m99");
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 1, 0));
    }

    @Test
    void aPausedConsumerGetsNothingUntilResumed() {
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.autoAck("c"));
        subscription.pause();
        sendAll(3);
        assertThat(consumer.count()).isZero();
        subscription.resume();
        assertThat(consumer.payloads()).containsExactly("m0", "m1", "m2");
    }

    @Test
    void anExclusiveConsumerAdmitsNoOther() {
        Subscription exclusive = queue.consume(new RecordingConsumer(), ConsumeOptions.autoAck("x").asExclusive());
        assertThat(errorOf(() -> queue.consume(new RecordingConsumer(), ConsumeOptions.autoAck("y"))))
                .isEqualTo(BrokerError.ACCESS_REFUSED);
        exclusive.cancel();
        queue.consume(new RecordingConsumer(), ConsumeOptions.autoAck("y"));
        assertThat(errorOf(() -> queue.consume(new RecordingConsumer(), ConsumeOptions.autoAck("z").asExclusive())))
                .isEqualTo(BrokerError.ACCESS_REFUSED);
    }

    @Test
    void getTakesTheHeadWithoutBeingAConsumer() {
        sendAll(2);
        Subscription getter = queue.getter();

        Optional<Delivery> first = getter.get(false);
        assertThat(first).hasValueSatisfying(d -> assertThat(d.message().payload()).isEqualTo("m0".getBytes()));
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 1, 0, 2));

        getter.reject(first.orElseThrow().tag(), true);
        assertThat(getter.get(true)).hasValueSatisfying(d -> assertThat(d.redelivered()).isTrue());
        assertThat(getter.get(true)).hasValueSatisfying(d -> assertThat(d.redelivered()).isFalse());
        assertThat(getter.get(true)).isEmpty();
    }

    @Test
    void deliveryTagsIncreaseAndNameTheirConsumerAndQueue() {
        RecordingConsumer consumer = new RecordingConsumer();
        queue.consume(consumer, ConsumeOptions.autoAck("tagged"));
        sendAll(3);
        List<Delivery> deliveries = consumer.deliveries();
        assertThat(deliveries).extracting(Delivery::tag).isSorted().doesNotHaveDuplicates();
        assertThat(deliveries).allSatisfy(d -> {
            assertThat(d.consumerTag()).isEqualTo("tagged");
            assertThat(d.queue()).isEqualTo("work");
            assertThat(d.expiresAtMillis()).isEqualTo(Long.MAX_VALUE);
        });
    }

    @Test
    void aFailingConsumerDoesNotStopTheQueue() {
        queue.consume(delivery -> {
            throw new IllegalStateException("adapter bug");
        }, ConsumeOptions.autoAck("broken"));
        RecordingConsumer healthy = new RecordingConsumer();
        queue.consume(healthy, ConsumeOptions.autoAck("healthy"));
        sendAll(4);
        assertThat(healthy.payloads()).containsExactly("m1", "m3");
    }
}
