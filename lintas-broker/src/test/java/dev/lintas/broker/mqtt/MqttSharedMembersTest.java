package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.ConsumeOptions;
import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.Queue;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.QueueSpec;
import dev.lintas.broker.core.QueueStats;
import dev.lintas.broker.core.Subscription;
import dev.lintas.broker.core.VirtualHost;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared subscription members of one connection, over a real core queue: a retired one does not stay. */
class MqttSharedMembersTest {

    private static final String FILTER = "$share/g/t";

    private final VirtualHost host = new VirtualHost("/", System::currentTimeMillis, QueueJournal.NONE);
    private final MqttSharedGroups.Shared group = MqttSharedGroups.Shared.parse(FILTER);
    private final MqttSharedMembers members = new MqttSharedMembers();
    private final List<Delivery> received = new ArrayList<>();
    private final Queue queue;

    MqttSharedMembersTest() {
        host.declareQueue(QueueSpec.named(group.queue()), null);
        queue = host.queue(group.queue(), null);
    }

    /** The core subscription of the last member that joined. */
    private Subscription joined;

    private void join() {
        members.join(FILTER, group, member -> {
            joined = queue.consume(received::add, ConsumeOptions.manualAck("member", 10));
            return joined;
        });
    }

    private void send(String payload) {
        host.publish(host.message(VirtualHost.DEFAULT_EXCHANGE, group.queue()).payload(payload.getBytes()).build());
    }

    @Test
    void aMemberWithNothingInFlightLeavesAtOnceWhenItUnsubscribes() {
        for (int i = 0; i < 3; i++) { // subscribe and unsubscribe again and again: nothing piles up
            join();
            assertThat(members.size()).isEqualTo(1);
            members.retire(FILTER);
            assertThat(members.size()).isZero();
            assertThat(members.subscriptions()).isEmpty();
        }
        assertThat(queue.stats().consumers()).isZero();
    }

    @Test
    void aMemberWithDeliveriesInFlightLeavesOnceTheyAreSettled() {
        join();
        send("in flight");
        assertThat(received).hasSize(1);
        members.retire(FILTER);
        assertThat(members.subscriptions()).as("no deliveries for pause and resume").isEmpty();
        assertThat(members.size()).as("still settling").isEqualTo(1);
        members.closeRetired();
        assertThat(members.size()).isEqualTo(1);

        send("after the unsubscribe"); // not for the retired member
        assertThat(received).hasSize(1);
        joined.ack(received.get(0).tag(), false); // the client's answer came
        members.closeRetired();
        assertThat(members.size()).isZero();
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 0, 0, "after the unsubscribe".length()));
    }

    @Test
    void whatARetiredMemberStillHasGoesBackToTheQueueWithTheConnection() {
        join();
        send("in flight");
        members.retire(FILTER);
        members.closeAll();
        assertThat(members.size()).isZero();
        assertThat(queue.stats().ready()).isEqualTo(1);
        assertThat(queue.stats().unacked()).isZero();
    }
}
