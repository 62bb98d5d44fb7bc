package dev.lintas.broker.core;

import static dev.lintas.broker.core.Hosts.bytes;
import static dev.lintas.broker.core.Hosts.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Dead-letter exchanges and the x-death header. */
class DeadLetterTest {

    private final FakeClock clock = new FakeClock();
    private final VirtualHost host = new VirtualHost("/", clock, QueueJournal.NONE);

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> deaths(Message message) {
        return (List<Map<String, Object>>) message.headers().get("x-death");
    }

    private Queue workQueueDeadLetteringTo(String exchange) {
        return Hosts.declare(host, QueueSpec.named("work").withArgument("x-dead-letter-exchange", exchange));
    }

    @Test
    void rejectWithoutRequeueDeadLettersWithXDeath() {
        host.declareExchange(ExchangeSpec.of("dlx", ExchangeType.FANOUT));
        Queue parked = Hosts.declare(host, QueueSpec.named("parked"));
        host.bind(Binding.of("dlx", "parked", ""), null);
        Queue work = workQueueDeadLetteringTo("dlx");
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = work.consume(consumer, ConsumeOptions.manualAck("c", 0));
        Message original = host.message("", "work").payload(bytes("job")).header("trace", "t1").build();
        host.publish(original);

        subscription.reject(consumer.last().tag(), false);

        Message letter = parked.getter().get(true).orElseThrow().message();
        assertThat(letter.id()).isNotEqualTo(original.id());
        assertThat(letter.payload()).isSameAs(original.payload());
        assertThat(letter.exchange()).isEqualTo("dlx");
        assertThat(letter.routingKey()).isEqualTo("work");
        assertThat(letter.headers()).containsEntry("trace", "t1")
                .containsEntry("x-first-death-queue", "work")
                .containsEntry("x-first-death-reason", "rejected")
                .containsEntry("x-first-death-exchange", "");
        assertThat(deaths(letter)).singleElement().isEqualTo(Map.of(
                "queue", "work", "reason", "rejected", "count", 1L, "exchange", "",
                "routing-keys", List.of("work")));
        assertThat(work.stats()).isEqualTo(new QueueStats(0, 0, 1, 0));
    }

    @Test
    void theDeadLetterRoutingKeyReplacesTheOriginal() {
        host.declareExchange(ExchangeSpec.of("dlx", ExchangeType.DIRECT));
        Queue parked = Hosts.declare(host, QueueSpec.named("parked"));
        host.bind(Binding.of("dlx", "parked", "failed"), null);
        Queue work = Hosts.declare(host, QueueSpec.named("work")
                .withArgument("x-dead-letter-exchange", "dlx")
                .withArgument("x-dead-letter-routing-key", "failed"));
        send(host, "work", "job");

        Subscription getter = work.getter();
        getter.nack(getter.get(false).orElseThrow().tag(), false, false);

        assertThat(parked.getter().get(true)).hasValueSatisfying(
                d -> assertThat(d.message().routingKey()).isEqualTo("failed"));
    }

    @Test
    void dyingAgainInTheSameQueueForTheSameReasonCountsUp() {
        // work dead-letters to retry via the default exchange; retry's TTL sends messages back to work.
        Queue work = Hosts.declare(host, QueueSpec.named("work")
                .withArgument("x-dead-letter-exchange", "")
                .withArgument("x-dead-letter-routing-key", "retry"));
        Hosts.declare(host, QueueSpec.named("retry")
                .withArgument("x-message-ttl", 100)
                .withArgument("x-dead-letter-exchange", "")
                .withArgument("x-dead-letter-routing-key", "work"));
        send(host, "work", "job");
        Subscription getter = work.getter();

        for (int round = 1; round <= 3; round++) {
            getter.reject(getter.get(false).orElseThrow().tag(), false);
            clock.advance(101);
            host.expireMessages();
        }

        Message message = getter.get(true).orElseThrow().message();
        List<Map<String, Object>> deaths = deaths(message);
        assertThat(deaths).hasSize(2);
        assertThat(deaths.get(0)).containsEntry("queue", "retry").containsEntry("reason", "expired")
                .containsEntry("count", 3L);
        assertThat(deaths.get(1)).containsEntry("queue", "work").containsEntry("reason", "rejected")
                .containsEntry("count", 3L);
        assertThat(message.headers()).containsEntry("x-first-death-queue", "work");
    }

    @Test
    void anAutomaticCycleIsBroken() {
        Queue loop = Hosts.declare(host, QueueSpec.named("loop")
                .withArgument("x-message-ttl", 100)
                .withArgument("x-dead-letter-exchange", ""));
        send(host, "loop", "m");
        clock.advance(101);
        host.expireMessages();
        assertThat(loop.stats().ready()).isZero();
    }

    @Test
    void aMissingDeadLetterExchangeDropsTheMessage() {
        Queue work = workQueueDeadLetteringTo("not-declared");
        send(host, "work", "job");
        Subscription getter = work.getter();
        getter.reject(getter.get(false).orElseThrow().tag(), false);
        assertThat(work.stats()).isEqualTo(new QueueStats(0, 0, 0, 0));
    }

    @Test
    void requeueAndAckNeverDeadLetter() {
        host.declareExchange(ExchangeSpec.of("dlx", ExchangeType.FANOUT));
        Queue parked = Hosts.declare(host, QueueSpec.named("parked"));
        host.bind(Binding.of("dlx", "parked", ""), null);
        Queue work = workQueueDeadLetteringTo("dlx");
        send(host, "work", "a");
        send(host, "work", "b");
        Subscription getter = work.getter();
        getter.reject(getter.get(false).orElseThrow().tag(), true);
        getter.ack(getter.get(false).orElseThrow().tag(), false);
        work.getter().get(true);
        assertThat(parked.stats().ready()).isZero();
    }
}
