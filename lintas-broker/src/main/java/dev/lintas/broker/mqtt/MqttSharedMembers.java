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
 * new comes, and it leaves the connection's members at once. What it still has in flight can be settled (through the
 * subscription each PUBLISH remembers), and it is closed as soon as nothing is left to settle
 * ({@link #closeRetired}), or with the connection, which puts what is left back in the group's queue.
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
    /** Retired members that still have deliveries to settle; each is closed once it has none. */
    private final List<Member> retired = new ArrayList<>();

    /** Starts taking part in {@code filter}'s group, unless already; {@code consume} starts the core subscription. */
    void join(String filter, MqttSharedGroups.Shared group, Function<Member, Subscription> consume) {
        if (active.containsKey(filter)) {
            return;
        }
        Member member = new Member(filter, group);
        member.subscription = consume.apply(member);
        active.put(filter, member);
    }

    /** Stops new deliveries for {@code filter}; what is in flight can still be settled. */
    void retire(String filter) {
        Member member = active.remove(filter);
        if (member != null) {
            member.active = false;
            member.subscription.cancel();
            retired.add(member);
            closeRetired();
        }
    }

    /**
     * Closes the retired members that have nothing left to settle, and forgets them; called after deliveries are
     * settled (the end of a read, the end of a batch of deliveries). Does nothing when no member is retired.
     */
    void closeRetired() {
        if (!retired.isEmpty()) {
            retired.removeIf(member -> {
                if (member.subscription.unackedCount() > 0) {
                    return false;
                }
                member.subscription.close();
                return true;
            });
        }
    }

    /** The core subscriptions of the members that take deliveries, for pause and resume. */
    List<Subscription> subscriptions() {
        return active.values().stream().map(member -> member.subscription).toList();
    }

    /** The members the connection keeps: active ones, and retired ones with deliveries to settle. */
    int size() {
        return active.size() + retired.size();
    }

    /** The connection ended: every unsettled delivery goes back to its group's queue. */
    void closeAll() {
        active.values().forEach(member -> member.subscription.close());
        retired.forEach(member -> member.subscription.close());
        active.clear();
        retired.clear();
    }
}
