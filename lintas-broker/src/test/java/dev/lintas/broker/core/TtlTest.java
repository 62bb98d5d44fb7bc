package dev.lintas.broker.core;

import static dev.lintas.broker.core.Hosts.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Per-queue and per-message TTL on a fake clock: expired messages are never delivered. */
class TtlTest {

    private final FakeClock clock = new FakeClock();
    private final VirtualHost host = new VirtualHost("/", clock, QueueJournal.NONE);

    private void publish(String queue, String payload, long ttl) {
        Message.Builder message = host.message("", queue).payload(bytes(payload));
        if (ttl >= 0) {
            message.ttlMillis(ttl);
        }
        host.publish(message.build());
    }

    @Test
    void queueTtlExpiresWaitingMessages() {
        Queue queue = Hosts.declare(host, QueueSpec.named("q").withArgument("x-message-ttl", 1_000));
        publish("q", "old", -1);
        clock.advance(600);
        publish("q", "new", -1);

        clock.advance(401);
        host.expireMessages();
        assertThat(queue.stats().ready()).isEqualTo(1);

        RecordingConsumer consumer = new RecordingConsumer();
        queue.consume(consumer, ConsumeOptions.autoAck("c"));
        assertThat(consumer.payloads()).containsExactly("new");
    }

    @Test
    void expiredMessagesAreNeverDeliveredEvenWithoutASweep() {
        Queue queue = Hosts.declare(host, QueueSpec.named("q").withArgument("x-message-ttl", 1_000L));
        publish("q", "stale", -1);
        clock.advance(1_001);
        publish("q", "fresh", -1);

        RecordingConsumer consumer = new RecordingConsumer();
        queue.consume(consumer, ConsumeOptions.autoAck("c"));

        assertThat(consumer.payloads()).containsExactly("fresh");
        assertThat(queue.getter().get(true)).isEmpty();
    }

    @Test
    void messageTtlAppliesAndTheLowerOfTheTwoWins() {
        Queue queue = Hosts.declare(host, QueueSpec.named("q").withArgument("x-message-ttl", 5_000));
        publish("q", "short", 100);
        publish("q", "long", 60_000);
        publish("q", "none", -1);

        clock.advance(101);
        host.expireMessages();
        assertThat(queue.stats().ready()).isEqualTo(2);

        clock.advance(5_000);
        host.expireMessages();
        assertThat(queue.stats().ready()).isZero();
    }

    @Test
    void aMessageIsDeliverableUntilItsTtlHasPassed() {
        Queue queue = Hosts.declare(host, QueueSpec.named("q"));
        publish("q", "m", 1_000);
        clock.advance(1_000);
        RecordingConsumer consumer = new RecordingConsumer();
        queue.consume(consumer, ConsumeOptions.autoAck("c"));
        assertThat(consumer.payloads()).containsExactly("m");
        assertThat(consumer.last().expiresAtMillis()).isEqualTo(clock.getAsLong());
    }

    @Test
    void aZeroTtlReachesAWaitingConsumerAndExpiresOtherwise() {
        Queue queue = Hosts.declare(host, QueueSpec.named("q"));
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.manualAck("c", 1));

        publish("q", "taken", 0);
        publish("q", "waits", 0);
        clock.advance(1);
        subscription.ack(consumer.last().tag(), false);

        assertThat(consumer.payloads()).containsExactly("taken");
        assertThat(queue.stats().ready()).isZero();
    }

    @Test
    void aRequeuedMessageKeepsItsOriginalExpiry() {
        Queue queue = Hosts.declare(host, QueueSpec.named("q"));
        publish("q", "m", 1_000);
        Subscription getter = queue.getter();
        Delivery delivery = getter.get(false).orElseThrow();

        clock.advance(2_000);
        getter.reject(delivery.tag(), true);

        assertThat(getter.get(true)).isEmpty();
    }

    @Test
    void expiredMessagesAreDeadLetteredWithTheirOriginalExpiration() {
        Queue dead = Hosts.declare(host, QueueSpec.named("dead"));
        Hosts.declare(host, QueueSpec.named("q")
                .withArgument("x-dead-letter-exchange", "")
                .withArgument("x-dead-letter-routing-key", "dead"));
        publish("q", "m", 500);
        clock.advance(501);
        host.expireMessages();

        Delivery delivery = dead.getter().get(true).orElseThrow();
        Message letter = delivery.message();
        assertThat(letter.ttlMillis()).isEmpty();
        assertThat(letter.headers().get("x-first-death-reason")).isEqualTo("expired");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> deaths = (List<Map<String, Object>>) letter.headers().get("x-death");
        assertThat(deaths).singleElement().satisfies(death -> {
            assertThat(death).containsEntry("reason", "expired").containsEntry("queue", "q")
                    .containsEntry("count", 1L).containsEntry("original-expiration", "500");
        });
    }
}
