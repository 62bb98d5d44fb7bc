package dev.lintas.broker.core;

import static dev.lintas.broker.core.Hosts.send;
import static dev.lintas.broker.core.Refusals.errorOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Declare, redeclare, passive declare, delete and purge, with AMQP's reply codes. */
class DeclarationTest {

    private final VirtualHost host = new VirtualHost("/", new FakeClock(), QueueJournal.NONE);

    @Test
    void redeclaringAnEquivalentQueueIsIdempotentAndReportsCounts() {
        QueueSpec spec = QueueSpec.named("q").asDurable().withArgument("x-message-ttl", 1_000);
        assertThat(host.declareQueue(spec, null)).isEqualTo(new QueueDeclared("q", 0, 0));
        send(host, "q", "m");
        host.queue("q", null).consume(new RecordingConsumer(), ConsumeOptions.manualAck("c", 0));
        send(host, "q", "n");

        // An int and a long of the same value are the same argument.
        QueueSpec again = QueueSpec.named("q").asDurable().withArgument("x-message-ttl", 1_000L);
        assertThat(host.declareQueue(again, null)).isEqualTo(new QueueDeclared("q", 0, 1));
        assertThat(host.checkQueue("q", null)).isEqualTo(new QueueDeclared("q", 0, 1));
    }

    @Test
    void redeclaringWithDifferentPropertiesOrArgumentsFails() {
        host.declareQueue(QueueSpec.named("q").withArgument("x-message-ttl", 1_000), null);

        assertThat(errorOf(() -> host.declareQueue(QueueSpec.named("q").withArgument("x-message-ttl", 2_000), null)))
                .isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(errorOf(() -> host.declareQueue(QueueSpec.named("q"), null)))
                .isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(errorOf(() -> host.declareQueue(
                QueueSpec.named("q").asDurable().withArgument("x-message-ttl", 1_000), null)))
                .isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(errorOf(() -> host.declareQueue(QueueSpec.named("q").withArgument("x-message-ttl", 1_000)
                .withArgument("x-overflow", "reject-publish"), null)))
                .isEqualTo(BrokerError.PRECONDITION_FAILED);

        BrokerException refusal = catchThrowableOfType(BrokerException.class,
                () -> host.declareQueue(QueueSpec.named("q").withArgument("x-message-ttl", 5), null));
        assertThat(refusal.replyCode()).isEqualTo(406);
        assertThat(refusal).hasMessageContaining("x-message-ttl").hasMessageContaining("'q'");
        // Arguments the core does not know take no part.
        host.declareQueue(QueueSpec.named("q").withArgument("x-message-ttl", 1_000).withArgument("x-other", 1), null);
    }

    @Test
    void invalidArgumentsAreRefused() {
        assertThat(errorOf(() -> host.declareQueue(QueueSpec.named("q").withArgument("x-message-ttl", -1), null)))
                .isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(errorOf(() -> host.declareQueue(QueueSpec.named("q").withArgument("x-max-length", "ten"), null)))
                .isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(errorOf(() -> host.declareQueue(QueueSpec.named("q").withArgument("x-overflow", "drop-tail"),
                null))).isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(errorOf(() -> host.declareQueue(
                QueueSpec.named("q").withArgument("x-dead-letter-routing-key", "k"), null)))
                .isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(host.queueNames()).isEmpty();
    }

    @Test
    void exchangesRedeclareIdempotentlyAndRefuseADifferentType() {
        host.declareExchange(ExchangeSpec.of("x", ExchangeType.TOPIC).asDurable());
        host.declareExchange(ExchangeSpec.of("x", ExchangeType.TOPIC).asDurable());
        assertThat(errorOf(() -> host.declareExchange(ExchangeSpec.of("x", ExchangeType.DIRECT).asDurable())))
                .isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(errorOf(() -> host.declareExchange(ExchangeSpec.of("x", ExchangeType.TOPIC))))
                .isEqualTo(BrokerError.PRECONDITION_FAILED);
        host.declareExchange(ExchangeSpec.of("amq.topic", ExchangeType.TOPIC).asDurable());
    }

    @Test
    void reservedAndDefaultNamesAreRefused() {
        assertThat(errorOf(() -> host.declareExchange(ExchangeSpec.of("", ExchangeType.DIRECT))))
                .isEqualTo(BrokerError.ACCESS_REFUSED);
        assertThat(errorOf(() -> host.declareExchange(ExchangeSpec.of("amq.custom", ExchangeType.DIRECT))))
                .isEqualTo(BrokerError.ACCESS_REFUSED);
        assertThat(errorOf(() -> host.declareQueue(QueueSpec.named("amq.mine"), null)))
                .isEqualTo(BrokerError.ACCESS_REFUSED);
        assertThat(errorOf(() -> host.deleteExchange("amq.direct", false))).isEqualTo(BrokerError.ACCESS_REFUSED);
        assertThat(errorOf(() -> host.deleteExchange("", false))).isEqualTo(BrokerError.ACCESS_REFUSED);
        host.declareQueue(QueueSpec.named("q"), null);
        assertThat(errorOf(() -> host.bind(Binding.of("", "q", "q"), null))).isEqualTo(BrokerError.ACCESS_REFUSED);
    }

    @Test
    void unknownExchangeTypesAreInvalidCommands() {
        BrokerException refusal = catchThrowableOfType(BrokerException.class, () -> ExchangeType.of("x-delayed"));
        assertThat(refusal.error()).isEqualTo(BrokerError.COMMAND_INVALID);
        assertThat(refusal.error().connectionLevel()).isTrue();
        assertThat(ExchangeType.of("headers")).isEqualTo(ExchangeType.HEADERS);
    }

    @Test
    void missingThingsAreNotFound() {
        assertThat(errorOf(() -> host.checkQueue("nope", null))).isEqualTo(BrokerError.NOT_FOUND);
        assertThat(errorOf(() -> host.checkExchange("nope"))).isEqualTo(BrokerError.NOT_FOUND);
        assertThat(errorOf(() -> host.publish(host.message("nope", "k").build()))).isEqualTo(BrokerError.NOT_FOUND);
        assertThat(errorOf(() -> host.bind(Binding.of("amq.direct", "nope", "k"), null)))
                .isEqualTo(BrokerError.NOT_FOUND);
        host.declareQueue(QueueSpec.named("q"), null);
        assertThat(errorOf(() -> host.bind(Binding.of("nope", "q", "k"), null))).isEqualTo(BrokerError.NOT_FOUND);
        host.checkExchange("");
        assertThat(host.deleteQueue("nope", false, false, null)).isZero();
        host.deleteExchange("nope", false);
    }

    @Test
    void serverNamedQueuesGetFreshNames() {
        String first = host.declareQueue(QueueSpec.named(""), null).queue();
        String second = host.declareQueue(QueueSpec.named(""), null).queue();
        assertThat(first).startsWith("amq.gen-").isNotEqualTo(second);
        assertThat(host.queueNames()).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void deleteIfUnusedAndIfEmpty() {
        Queue queue = Hosts.declare(host, QueueSpec.named("q"));
        queue.consume(new RecordingConsumer(), ConsumeOptions.manualAck("c", 0)).cancel();
        send(host, "q", "m");
        assertThat(errorOf(() -> host.deleteQueue("q", false, true, null))).isEqualTo(BrokerError.PRECONDITION_FAILED);

        queue.consume(new RecordingConsumer(), ConsumeOptions.manualAck("d", 0));
        assertThat(queue.stats().ready()).isZero();
        assertThat(errorOf(() -> host.deleteQueue("q", true, false, null))).isEqualTo(BrokerError.PRECONDITION_FAILED);

        assertThat(host.deleteQueue("q", false, true, null)).isZero();
        assertThat(host.queueNames()).isEmpty();
    }

    @Test
    void deletingAQueueCancelsItsConsumersAndDropsItsBindings() {
        Queue queue = Hosts.declare(host, QueueSpec.named("q"));
        host.bind(Binding.of("amq.topic", "q", "#"), null);
        RecordingConsumer consumer = new RecordingConsumer();
        Subscription subscription = queue.consume(consumer, ConsumeOptions.manualAck("c", 1));
        send(host, "q", "m0");
        send(host, "q", "m1");

        assertThat(host.deleteQueue("q", false, false, null)).isEqualTo(1);

        assertThat(consumer.wasCancelled()).isTrue();
        assertThat(host.bindings("amq.topic")).isEmpty();
        assertThat(host.publish(host.message("amq.topic", "a").build()).unroutable()).isTrue();
        subscription.ack(consumer.last().tag(), false);
        assertThat(errorOf(() -> queue.consume(new RecordingConsumer(), ConsumeOptions.autoAck("late"))))
                .isEqualTo(BrokerError.NOT_FOUND);
    }

    @Test
    void deleteExchangeIfUnused() {
        host.declareExchange(ExchangeSpec.of("x", ExchangeType.FANOUT));
        host.declareQueue(QueueSpec.named("q"), null);
        host.bind(Binding.of("x", "q", ""), null);
        assertThat(errorOf(() -> host.deleteExchange("x", true))).isEqualTo(BrokerError.PRECONDITION_FAILED);
        host.deleteExchange("x", false);
        assertThat(errorOf(() -> host.checkExchange("x"))).isEqualTo(BrokerError.NOT_FOUND);
        // The queue's record of the binding went with the exchange: deleting the queue now is clean.
        host.deleteQueue("q", false, false, null);
    }

    @Test
    void internalExchangesRefuseClientPublishes() {
        host.declareExchange(ExchangeSpec.of("inner", ExchangeType.FANOUT).asInternal());
        assertThat(errorOf(() -> host.publish(host.message("inner", "").build())))
                .isEqualTo(BrokerError.ACCESS_REFUSED);
    }

    @Test
    void purgeRemovesReadyMessagesOnly() {
        Queue queue = Hosts.declare(host, QueueSpec.named("q"));
        send(host, "q", "m0");
        queue.getter().get(false);
        send(host, "q", "m1");
        send(host, "q", "m2");
        assertThat(host.purgeQueue("q", null)).isEqualTo(2);
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 1, 0, 0));
    }

    @Test
    void exclusiveQueuesBelongToTheirConnection() {
        host.declareQueue(QueueSpec.named("mine").asExclusive(), "conn-1");
        host.declareQueue(QueueSpec.named("mine").asExclusive(), "conn-1");
        assertThat(errorOf(() -> host.declareQueue(QueueSpec.named("mine").asExclusive(), "conn-2")))
                .isEqualTo(BrokerError.RESOURCE_LOCKED);
        assertThat(errorOf(() -> host.queue("mine", "conn-2"))).isEqualTo(BrokerError.RESOURCE_LOCKED);
        assertThat(errorOf(() -> host.purgeQueue("mine", "conn-2"))).isEqualTo(BrokerError.RESOURCE_LOCKED);
        assertThat(errorOf(() -> host.deleteQueue("mine", false, false, "conn-2")))
                .isEqualTo(BrokerError.RESOURCE_LOCKED);
        assertThat(errorOf(() -> host.bind(Binding.of("amq.direct", "mine", "k"), "conn-2")))
                .isEqualTo(BrokerError.RESOURCE_LOCKED);
        // Anyone may publish to it.
        assertThat(send(host, "mine", "hello").routed()).isEqualTo(1);
        assertThatIllegalArgumentException().isThrownBy(
                () -> host.declareQueue(QueueSpec.named("other").asExclusive(), null));

        host.connectionClosed("conn-2");
        assertThat(host.queueNames()).containsExactly("mine");
        host.connectionClosed("conn-1");
        assertThat(host.queueNames()).isEmpty();
    }

    @Test
    void anAutoDeleteQueueGoesWithItsLastConsumer() {
        Queue queue = Hosts.declare(host, QueueSpec.named("temp").asAutoDelete());
        Subscription first = queue.consume(new RecordingConsumer(), ConsumeOptions.autoAck("a"));
        Subscription second = queue.consume(new RecordingConsumer(), ConsumeOptions.autoAck("b"));

        first.cancel();
        assertThat(host.queueNames()).containsExactly("temp");
        second.close();
        assertThat(host.queueNames()).isEmpty();
    }

    @Test
    void anAutoDeleteExchangeGoesWithItsLastBinding() {
        host.declareExchange(ExchangeSpec.of("temp", ExchangeType.FANOUT).asAutoDelete());
        host.declareQueue(QueueSpec.named("a"), null);
        host.declareQueue(QueueSpec.named("b"), null);
        host.bind(Binding.of("temp", "a", ""), null);
        host.bind(Binding.of("temp", "b", ""), null);

        host.unbind(Binding.of("temp", "a", ""), null);
        host.checkExchange("temp");
        host.deleteQueue("b", false, false, null);
        assertThat(errorOf(() -> host.checkExchange("temp"))).isEqualTo(BrokerError.NOT_FOUND);
    }

    @Test
    void anInvalidHeadersBindingIsRefusedAndLeavesNothingBehind() {
        host.declareQueue(QueueSpec.named("q"), null);
        Binding binding = Binding.of("amq.headers", "q", "").withArguments(Map.of("x-match", "some"));
        assertThat(errorOf(() -> host.bind(binding, null))).isEqualTo(BrokerError.PRECONDITION_FAILED);
        assertThat(host.bindings("amq.headers")).isEmpty();
    }
}
