package dev.lintas.broker.core;

import static dev.lintas.broker.core.Hosts.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Each exchange type, and the default exchange, through a virtual host. */
class ExchangeRoutingTest {

    private final VirtualHost host = new VirtualHost("/", new FakeClock(), QueueJournal.NONE);

    private Queue queue(String name) {
        return Hosts.declare(host, QueueSpec.named(name));
    }

    private PublishResult publish(String exchange, String routingKey) {
        return host.publish(host.message(exchange, routingKey).payload(bytes(routingKey)).build());
    }

    private PublishResult publishWithHeaders(String exchange, Map<String, Object> headers) {
        return host.publish(host.message(exchange, "").headers(headers).payload(bytes("h")).build());
    }

    private static int ready(Queue queue) {
        return queue.stats().ready();
    }

    @Test
    void defaultExchangeRoutesByQueueName() {
        Queue orders = queue("orders");
        assertThat(Hosts.send(host, "orders", "one").routed()).isEqualTo(1);
        assertThat(Hosts.send(host, "nowhere", "two").unroutable()).isTrue();
        assertThat(ready(orders)).isEqualTo(1);
    }

    @Test
    void directRoutesByExactKey() {
        host.declareExchange(ExchangeSpec.of("logs", ExchangeType.DIRECT));
        Queue errors = queue("errors");
        Queue all = queue("all");
        host.bind(Binding.of("logs", "errors", "error"), null);
        host.bind(Binding.of("logs", "all", "error"), null);
        host.bind(Binding.of("logs", "all", "info"), null);

        assertThat(publish("logs", "error").routed()).isEqualTo(2);
        assertThat(publish("logs", "info").routed()).isEqualTo(1);
        assertThat(publish("logs", "debug").unroutable()).isTrue();
        assertThat(ready(errors)).isEqualTo(1);
        assertThat(ready(all)).isEqualTo(2);
    }

    @Test
    void fanoutRoutesEverywhereAndSharesOneMessageObject() {
        host.declareExchange(ExchangeSpec.of("events", ExchangeType.FANOUT));
        List<RecordingConsumer> consumers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            queue("q" + i);
            host.bind(Binding.of("events", "q" + i, ""), null);
            RecordingConsumer consumer = new RecordingConsumer();
            host.queue("q" + i, null).consume(consumer, ConsumeOptions.autoAck("c" + i));
            consumers.add(consumer);
        }
        Message message = host.message("events", "whatever").payload(bytes("payload")).build();

        assertThat(host.publish(message).routed()).isEqualTo(50);

        for (RecordingConsumer consumer : consumers) {
            assertThat(consumer.last().message()).isSameAs(message);
            assertThat(consumer.last().message().payload()).isSameAs(message.payload());
        }
    }

    @Test
    void topicRoutesByPatternWithoutDuplicates() {
        host.declareExchange(ExchangeSpec.of("t", ExchangeType.TOPIC));
        Queue q = queue("q");
        Queue other = queue("other");
        host.bind(Binding.of("t", "q", "stock.#"), null);
        host.bind(Binding.of("t", "q", "stock.*.nyse"), null);
        host.bind(Binding.of("t", "q", "#"), null);
        host.bind(Binding.of("t", "other", "*.usd.*"), null);

        assertThat(publish("t", "stock.usd.nyse").routed()).isEqualTo(2);
        assertThat(ready(q)).isEqualTo(1);
        assertThat(ready(other)).isEqualTo(1);
    }

    @Test
    void unbindStopsRouting() {
        host.declareExchange(ExchangeSpec.of("t", ExchangeType.TOPIC));
        Queue q = queue("q");
        host.bind(Binding.of("t", "q", "a.*"), null);
        host.unbind(Binding.of("t", "q", "a.*"), null);
        host.unbind(Binding.of("t", "q", "never.bound"), null);
        assertThat(publish("t", "a.b").unroutable()).isTrue();
        assertThat(ready(q)).isZero();
    }

    @Test
    void headersAllNeedsEveryArgumentAndIgnoresXArguments() {
        host.declareExchange(ExchangeSpec.of("h", ExchangeType.HEADERS));
        Queue q = queue("q");
        host.bind(Binding.of("h", "q", "ignored").withArguments(
                Map.of("x-match", "all", "format", "pdf", "type", "report", "x-custom", "no")), null);

        assertThat(publishWithHeaders("h", Map.of("format", "pdf", "type", "report")).routed()).isEqualTo(1);
        assertThat(publishWithHeaders("h", Map.of("format", "pdf", "type", "report", "extra", 1)).routed())
                .isEqualTo(1);
        assertThat(publishWithHeaders("h", Map.of("format", "pdf")).unroutable()).isTrue();
        assertThat(publishWithHeaders("h", Map.of("format", "pdf", "type", "log")).unroutable()).isTrue();
        assertThat(ready(q)).isEqualTo(2);
    }

    @Test
    void headersAnyNeedsOneArgument() {
        host.declareExchange(ExchangeSpec.of("h", ExchangeType.HEADERS));
        queue("q");
        host.bind(Binding.of("h", "q", "").withArguments(Map.of("x-match", "any", "format", "pdf", "type", "report")),
                null);

        assertThat(publishWithHeaders("h", Map.of("format", "pdf")).routed()).isEqualTo(1);
        assertThat(publishWithHeaders("h", Map.of("type", "report", "format", "zip")).routed()).isEqualTo(1);
        assertThat(publishWithHeaders("h", Map.of("format", "zip")).unroutable()).isTrue();
        assertThat(publishWithHeaders("h", Map.of()).unroutable()).isTrue();
    }

    @Test
    void headersCompareIntegersByValueStringsWithBytesAndVoidByPresence() {
        host.declareExchange(ExchangeSpec.of("h", ExchangeType.HEADERS));
        queue("q");
        HashMap<String, Object> arguments = new HashMap<>();
        arguments.put("count", 3);
        arguments.put("name", "x");
        arguments.put("flag", null);
        host.bind(Binding.of("h", "q", "").withArguments(arguments), null);

        assertThat(publishWithHeaders("h", Map.of("count", 3L, "name", bytes("x"), "flag", false)).routed())
                .isEqualTo(1);
        assertThat(publishWithHeaders("h", Map.of("count", 3L, "name", "x")).unroutable()).isTrue();
        assertThat(publishWithHeaders("h", Map.of("count", 4, "name", "x", "flag", 1)).unroutable()).isTrue();
    }

    @Test
    void headersWithNothingToMatchRouteEverythingUnderAllAndNothingUnderAny() {
        host.declareExchange(ExchangeSpec.of("h", ExchangeType.HEADERS));
        Queue all = queue("all");
        Queue any = queue("any");
        host.bind(Binding.of("h", "all", ""), null);
        host.bind(Binding.of("h", "any", "").withArguments(Map.of("x-match", "any", "x-only", "ignored")), null);

        publishWithHeaders("h", Map.of("x-only", "ignored"));

        assertThat(ready(all)).isEqualTo(1);
        assertThat(ready(any)).isZero();
    }

    @Test
    void headersWithXMatchTheXArguments() {
        host.declareExchange(ExchangeSpec.of("h", ExchangeType.HEADERS));
        Queue q = queue("q");
        host.bind(Binding.of("h", "q", "").withArguments(Map.of("x-match", "any-with-x", "x-tenant", "a")), null);
        publishWithHeaders("h", Map.of("x-tenant", "a"));
        assertThat(ready(q)).isEqualTo(1);
    }

    @Test
    void theBuiltInExchangesExist() {
        Queue q = queue("q");
        host.bind(Binding.of("amq.topic", "q", "a.#"), null);
        host.bind(Binding.of("amq.direct", "q", "k"), null);
        host.bind(Binding.of("amq.fanout", "q", ""), null);
        host.bind(Binding.of("amq.match", "q", ""), null);
        host.bind(Binding.of("amq.headers", "q", ""), null);
        publish("amq.topic", "a.b");
        publish("amq.direct", "k");
        publish("amq.fanout", "x");
        publish("amq.match", "x");
        publish("amq.headers", "x");
        assertThat(ready(q)).isEqualTo(5);
    }

    @Test
    void anMqttStyleBindingSkipsDollarTopicsButAnAmqpOneDoesNot() {
        Queue mqtt = queue("mqtt");
        Queue amqp = queue("amqp");
        host.bind(Binding.of("amq.topic", "mqtt", "#").asDollarProtected(), null);
        host.bind(Binding.of("amq.topic", "amqp", "#"), null);
        publish("amq.topic", "$SYS.uptime");
        assertThat(ready(mqtt)).isZero();
        assertThat(ready(amqp)).isEqualTo(1);
    }
}
