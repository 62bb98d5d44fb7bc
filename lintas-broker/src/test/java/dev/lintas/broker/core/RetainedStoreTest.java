package dev.lintas.broker.core;

import static dev.lintas.broker.core.Hosts.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Retained messages: set, replaced, cleared by an empty payload, found by filter, and expired. */
class RetainedStoreTest {

    private final FakeClock clock = new FakeClock();
    private final RetainedStore store = new RetainedStore(clock);
    private long ids;

    private Message retain(String mqttTopic, String payload) {
        Message message = Message.builder(++ids, "amq.topic", MqttTopics.toRoutingKey(mqttTopic))
                .payload(bytes(payload)).build();
        store.retain(message);
        return message;
    }

    private List<String> match(String mqttFilter) {
        return store.match(MqttTopics.toBindingKey(mqttFilter)).stream()
                .map(m -> MqttTopics.toMqttTopic(m.routingKey()) + "=" + new String(m.payload())).toList();
    }

    @Test
    void theLastRetainedMessageOfATopicWins() {
        retain("home/kitchen/temp", "20");
        Message latest = retain("home/kitchen/temp", "21");
        assertThat(store.get("home.kitchen.temp")).containsSame(latest);
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void anEmptyPayloadClearsTheTopic() {
        retain("home/kitchen/temp", "20");
        retain("home/kitchen", "on");
        retain("home/kitchen/temp", "");
        assertThat(store.get("home.kitchen.temp")).isEmpty();
        assertThat(match("home/#")).containsExactly("home/kitchen=on");
        retain("home/kitchen", "");
        retain("never/set", "");
        assertThat(store.size()).isZero();
        assertThat(match("#")).isEmpty();
    }

    @Test
    void filtersMatchLikeSubscriptions() {
        retain("home", "h");
        retain("home/kitchen/temp", "20");
        retain("home/hall/temp", "18");
        retain("home/hall/light", "off");
        retain("office/hall/temp", "22");
        retain("home/v1.2", "dotted");

        assertThat(match("home/+/temp")).containsExactlyInAnyOrder("home/kitchen/temp=20", "home/hall/temp=18");
        assertThat(match("home/#")).hasSize(5).contains("home=h");
        assertThat(match("+/hall/#")).containsExactlyInAnyOrder(
                "home/hall/temp=18", "home/hall/light=off", "office/hall/temp=22");
        assertThat(match("home/v1.2")).containsExactly("home/v1.2=dotted");
        assertThat(match("home/hall")).isEmpty();
        assertThat(match("#")).hasSize(6);
        assertThat(match("+/+/+/+")).isEmpty();
    }

    @Test
    void wildcardFirstFiltersSkipDollarTopics() {
        retain("$SYS/uptime", "99");
        retain("status", "ok");
        assertThat(match("#")).containsExactly("status=ok");
        assertThat(match("+/uptime")).isEmpty();
        assertThat(match("$SYS/#")).containsExactly("$SYS/uptime=99");
        assertThat(match("$SYS/+")).containsExactly("$SYS/uptime=99");
    }

    @Test
    void expiredMessagesAreNotReturnedAndAreSweptAway() {
        store.retain(Message.builder(1, "amq.topic", "a").payload(bytes("short")).ttlMillis(1_000).build());
        retain("b", "forever");
        clock.advance(1_000);
        assertThat(match("#")).hasSize(2);

        clock.advance(1);
        assertThat(match("#")).containsExactly("b=forever");
        assertThat(store.get("a")).isEmpty();
        store.expire();
        assertThat(store.size()).isEqualTo(1);
    }
}
