package dev.lintas.broker.core;

import static dev.lintas.broker.core.Hosts.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The journal sees every message enter and leave each queue: what the durable store will record. */
class JournalTest {

    private final List<String> events = new ArrayList<>();
    private final QueueJournal journal = new QueueJournal() {
        @Override
        public void enqueued(String queue, Message message) {
            events.add("+" + queue + ":" + new String(message.payload()));
        }

        @Override
        public void removed(String queue, Message message, RemovalReason reason) {
            events.add("-" + queue + ":" + new String(message.payload()) + ":" + reason);
        }
    };
    private final FakeClock clock = new FakeClock();
    private final VirtualHost host = new VirtualHost("/", clock, journal);

    @Test
    void everyEnqueueIsMatchedByOneRemovalWithItsReason() {
        Queue queue = Hosts.declare(host, QueueSpec.named("q").withArgument("x-max-length", 3));
        send(host, "q", "acked");
        send(host, "q", "requeued");
        Subscription getter = queue.getter();
        getter.ack(getter.get(false).orElseThrow().tag(), false);
        getter.reject(getter.get(false).orElseThrow().tag(), true);
        getter.reject(getter.get(false).orElseThrow().tag(), false);
        host.publish(host.message("", "q").payload("expires".getBytes()).ttlMillis(10).build());
        clock.advance(11);
        host.expireMessages();
        send(host, "q", "a");
        send(host, "q", "b");
        send(host, "q", "c");
        send(host, "q", "d");
        host.purgeQueue("q", null);
        send(host, "q", "deleted");
        host.deleteQueue("q", false, false, null);

        assertThat(events).containsExactly(
                "+q:acked", "+q:requeued", "-q:acked:ACKED", "-q:requeued:REJECTED",
                "+q:expires", "-q:expires:EXPIRED",
                "+q:a", "+q:b", "+q:c", "+q:d", "-q:a:MAXLEN",
                "-q:b:PURGED", "-q:c:PURGED", "-q:d:PURGED",
                "+q:deleted", "-q:deleted:QUEUE_DELETED");
    }
}
