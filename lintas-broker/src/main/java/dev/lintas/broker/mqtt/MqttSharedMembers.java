package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Subscription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The shared subscriptions one connection takes part in: for each, the core subscription through which it competes
 * for the group queue's messages. An unsubscribe retires a member: its core subscription is cancelled, so nothing
 * new comes, but what it has in flight can still be acknowledged; it is closed with the connection, which puts what
 * is left back in the group's queue.
 * <p>
 * Event loop only.
 */
final class MqttSharedMembers {

    /** One shared subscription of this connection. */
    static final class Member {
        final String filter;
        final MqttSharedGroups.Shared group;
        /** Set right after the core consume returns; deliveries reach the event loop after that. */
        Subscription subscription;
        boolean active = true;

        Member(String filter, MqttSharedGroups.Shared group) {
            this.filter = filter;
            this.group = group;
        }
    }

    private final Map<String, Member> active = new HashMap<>();
    private final List<Member> all = new ArrayList<>();

    /** Starts taking part in {@code filter}'s group, unless already; {@code consume} starts the core subscription. */
    void join(String filter, MqttSharedGroups.Shared group, Function<Member, Subscription> consume) {
        if (active.containsKey(filter)) {
            return;
        }
        Member member = new Member(filter, group);
        member.subscription = consume.apply(member);
        active.put(filter, member);
        all.add(member);
    }

    /** Stops new deliveries for {@code filter}; what is in flight can still be settled. */
    void retire(String filter) {
        Member member = active.remove(filter);
        if (member != null) {
            member.active = false;
            member.subscription.cancel();
        }
    }

    /** Every core subscription, retired ones included, for pause and resume. */
    List<Subscription> subscriptions() {
        return all.stream().map(member -> member.subscription).toList();
    }

    /** The connection ended: every unsettled delivery goes back to its group's queue. */
    void closeAll() {
        all.forEach(member -> member.subscription.close());
        all.clear();
        active.clear();
    }
}
