package dev.lintas.broker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** MQTT topic names and filters to the core's keys and back. */
class MqttTopicsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "a/b/c            | a.b.c",
        "sensors/v1.2     | sensors.v1%2E2",
        "a/*/b            | a.%2A.b",
        "100%/done        | 100%25.done",
        "/a               | .a",
        "a/               | a.",
        "/                | .",
        "a//b             | a..b",
        "$SYS/broker/load | $SYS.broker.load",
        "ünïcödé/€        | ünïcödé.€",
    })
    void topicNamesTranslateAndComeBack(String topic, String routingKey) {
        assertThat(MqttTopics.toRoutingKey(topic)).isEqualTo(routingKey);
        assertThat(MqttTopics.toMqttTopic(routingKey)).isEqualTo(topic);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "a/+/c        | a.*.c",
        "#            | #",
        "a/#          | a.#",
        "+            | *",
        "+/+          | *.*",
        "a.b/+        | a%2Eb.*",
        "*/#          | %2A.#",
        "$share/g/a/# | $share.g.a.#",
    })
    void filtersTranslate(String filter, String bindingKey) {
        assertThat(MqttTopics.toBindingKey(filter)).isEqualTo(bindingKey);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/#/b", "a/b#", "a+/b", "a/+b", "#/", ""})
    void invalidFiltersAreRefused(String filter) {
        assertThatIllegalArgumentException().isThrownBy(() -> MqttTopics.toBindingKey(filter));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/+", "a/#", "+", "a/b+", ""})
    void wildcardsAreRefusedInTopicNames(String topic) {
        assertThatIllegalArgumentException().isThrownBy(() -> MqttTopics.toRoutingKey(topic));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "a.+", "a.#", "a.*", "100%", "a%2e", "a%41", "a%2"})
    void routingKeysWithoutAnMqttFormGiveNull(String routingKey) {
        assertThat(MqttTopics.toMqttTopic(routingKey)).isNull();
    }

    @Test
    void aLiteralStarLevelIsNotAWildcard() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add(MqttTopics.toBindingKey("a/*"), "literal", true);
        Set<String> matched = new HashSet<>();
        trie.match(MqttTopics.toRoutingKey("a/b"), matched);
        assertThat(matched).isEmpty();
        trie.match(MqttTopics.toRoutingKey("a/*"), matched);
        assertThat(matched).containsExactly("literal");
    }

    @Test
    void translatedFiltersMatchLikeMqtt() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add(MqttTopics.toBindingKey("sport/#"), "sport", true);
        trie.add(MqttTopics.toBindingKey("sport/+/player1"), "player1", true);
        trie.add(MqttTopics.toBindingKey("+/+"), "two-levels", true);
        trie.add(MqttTopics.toBindingKey("#"), "all", true);
        assertThat(match(trie, "sport")).containsExactlyInAnyOrder("sport", "all");
        assertThat(match(trie, "sport/tennis/player1")).containsExactlyInAnyOrder("sport", "player1", "all");
        assertThat(match(trie, "/finance")).containsExactlyInAnyOrder("two-levels", "all");
        assertThat(match(trie, "$SYS/monitor")).isEmpty();
        assertThat(match(trie, "v1.2/x")).containsExactlyInAnyOrder("two-levels", "all");
    }

    private static Set<String> match(TopicTrie<String> trie, String topic) {
        Set<String> matched = new HashSet<>();
        trie.match(MqttTopics.toRoutingKey(topic), matched);
        return matched;
    }
}
