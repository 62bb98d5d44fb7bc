package dev.lintas.broker.core;

import static dev.lintas.broker.core.Hosts.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** x-max-length and x-max-length-bytes under each overflow policy. */
class MaxLengthTest {

    private final VirtualHost host = new VirtualHost("/", new FakeClock(), QueueJournal.NONE);
    private final Queue parked = Hosts.declare(host, QueueSpec.named("parked"));

    private Queue limited(String overflow, boolean deadLetter) {
        QueueSpec spec = QueueSpec.named("limited").withArgument("x-max-length", 2);
        if (overflow != null) {
            spec = spec.withArgument("x-overflow", overflow);
        }
        if (deadLetter) {
            spec = spec.withArgument("x-dead-letter-exchange", "").withArgument("x-dead-letter-routing-key", "parked");
        }
        return Hosts.declare(host, spec);
    }

    private static List<String> drain(Queue queue) {
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.autoAck("drain"));
        subscription.cancel();
        return consumer.payloads();
    }

    @Test
    void dropHeadIsTheDefaultAndDeadLettersTheOldest() {
        Queue queue = limited(null, true);
        assertThat(send(host, "limited", "m0").accepted()).isTrue();
        send(host, "limited", "m1");
        PublishResult third = send(host, "limited", "m2");

        assertThat(third.accepted()).isTrue();
        assertThat(third.routed()).isEqualTo(1);
        assertThat(drain(queue)).containsExactly("m1", "m2");
        Message dropped = parked.getter().get(true).orElseThrow().message();
        assertThat(new String(dropped.payload())).isEqualTo("m0");
        assertThat(dropped.headers()).containsEntry("x-first-death-reason", "maxlen");
    }

    @Test
    void rejectPublishRefusesTheNewestAndTellsThePublisher() {
        Queue queue = limited("reject-publish", true);
        send(host, "limited", "m0");
        send(host, "limited", "m1");
        PublishResult third = send(host, "limited", "m2");

        assertThat(third.accepted()).isFalse();
        assertThat(third.unroutable()).isFalse();
        assertThat(third.rejected()).isEqualTo(1);
        assertThat(drain(queue)).containsExactly("m0", "m1");
        assertThat(parked.stats().ready()).isZero();
    }

    @Test
    void rejectPublishDlxAlsoDeadLettersTheRefusedMessage() {
        Queue queue = limited("reject-publish-dlx", true);
        send(host, "limited", "m0");
        send(host, "limited", "m1");
        assertThat(send(host, "limited", "m2").accepted()).isFalse();

        assertThat(drain(queue)).containsExactly("m0", "m1");
        Message refused = parked.getter().get(true).orElseThrow().message();
        assertThat(new String(refused.payload())).isEqualTo("m2");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> deaths = (List<Map<String, Object>>) refused.headers().get("x-death");
        assertThat(deaths).singleElement().satisfies(death -> assertThat(death)
                .containsEntry("reason", "maxlen").containsEntry("queue", "limited"));
    }

    @Test
    void aPublishRejectedByOneQueueIsStillDeliveredToTheOthers() {
        limited("reject-publish", false);
        Queue open = Hosts.declare(host, QueueSpec.named("open"));
        host.declareExchange(ExchangeSpec.of("both", ExchangeType.FANOUT));
        host.bind(Binding.of("both", "limited", ""), null);
        host.bind(Binding.of("both", "open", ""), null);
        for (int i = 0; i < 3; i++) {
            host.publish(host.message("both", "").payload(Hosts.bytes("m" + i)).build());
        }
        PublishResult last = host.publish(host.message("both", "").payload(Hosts.bytes("m3")).build());

        assertThat(last).isEqualTo(new PublishResult(1, 1));
        assertThat(open.stats().ready()).isEqualTo(4);
    }

    @Test
    void onlyReadyMessagesCountAgainstTheLimit() {
        Queue queue = limited("reject-publish", false);
        RecordingConsumer consumer = new RecordingConsumer();
        queue.consume(consumer, ConsumeOptions.manualAck("c", 2));
        for (int i = 0; i < 4; i++) {
            assertThat(send(host, "limited", "m" + i).accepted()).isTrue();
        }
        assertThat(send(host, "limited", "m4").accepted()).isFalse();
        assertThat(queue.stats()).isEqualTo(new QueueStats(2, 2, 1, 4));
    }

    @Test
    void aWaitingConsumerTakesMessagesEvenAtLengthZero() {
        Queue queue = Hosts.declare(host, QueueSpec.named("zero")
                .withArgument("x-max-length", 0).withArgument("x-overflow", "reject-publish"));
        assertThat(send(host, "zero", "nobody").accepted()).isFalse();
        RecordingConsumer consumer = new RecordingConsumer();
        queue.consume(consumer, ConsumeOptions.autoAck("c"));
        assertThat(send(host, "zero", "taken").accepted()).isTrue();
        assertThat(consumer.payloads()).containsExactly("taken");
    }

    @Test
    void maxLengthBytesCountsPayloadBytes() {
        Queue queue = Hosts.declare(host, QueueSpec.named("bytes").withArgument("x-max-length-bytes", 10L));
        send(host, "bytes", "12345");
        send(host, "bytes", "67890");
        send(host, "bytes", "abc");
        assertThat(queue.stats()).isEqualTo(new QueueStats(2, 0, 0, 8));
        assertThat(drain(queue)).containsExactly("67890", "abc");
    }

    @Test
    void requeuedMessagesCountAndDropHeadTrimsAfterThem() {
        Queue queue = limited(null, false);
        send(host, "limited", "m0");
        Subscription getter = queue.getter();
        Delivery taken = getter.get(false).orElseThrow();
        send(host, "limited", "m1");
        send(host, "limited", "m2");

        getter.reject(taken.tag(), true);

        assertThat(drain(queue)).containsExactly("m1", "m2");
    }
}
