package dev.lintas.broker.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The topic matcher: AMQP's '*' and '#' over '.'-separated words, with MQTT's '$' rule as an option. */
class TopicTrieTest {

    private final TopicTrie<String> trie = new TopicTrie<>();

    private Set<String> match(String routingKey) {
        Set<String> matched = new HashSet<>();
        trie.match(routingKey, matched);
        return matched;
    }

    private boolean matches(String bindingKey, String routingKey) {
        TopicTrie<String> single = new TopicTrie<>();
        single.add(bindingKey, "q", false);
        Set<String> matched = new HashSet<>();
        single.match(routingKey, matched);
        return !matched.isEmpty();
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", emptyValue = "", value = {
        "a.b.c    | a.b.c     | true",
        "a.b.c    | a.b       | false",
        "a.b      | a.b.c     | false",
        "a.*.c    | a.b.c     | true",
        "a.*.c    | a.c       | false",
        "a.*      | a.b.c     | false",
        "*        | a         | true",
        "*        | ''        | false",
        "*        | a.b       | false",
        "*.*      | a.b       | true",
        "*.*      | a         | false",
        "*.*      | a.b.c     | false",
        "*.*      | .         | true",
        "#        | ''        | true",
        "#        | a         | true",
        "#        | a.b.c     | true",
        "#        | .         | true",
        "a.#      | a         | true",
        "a.#      | a.b       | true",
        "a.#      | a.b.c     | true",
        "a.#      | b.a       | false",
        "#.b      | b         | true",
        "#.b      | a.b       | true",
        "#.b      | a.c.b     | true",
        "#.b      | b.c       | false",
        "a.#.c    | a.c       | true",
        "a.#.c    | a.b.b.c   | true",
        "a.#.c    | a.b.b.d   | false",
        "#.#      | a.b       | true",
        "#.*      | ''        | false",
        "#.*      | a         | true",
        "*.#      | a.b.c     | true",
        "a..b     | a..b      | true",
        "a.*.b    | a..b      | true",
        "a.b      | a..b      | false",
        "''       | ''        | true",
        "''       | a         | false",
        "a.       | a.        | true",
        "a.*      | a.        | true",
        "a.#      | a.        | true",
    })
    void matchesLikeRabbitMq(String bindingKey, String routingKey, boolean expected) {
        assertThat(matches(bindingKey, routingKey)).isEqualTo(expected);
    }

    @Test
    void returnsEveryMatchingValueOnce() {
        trie.add("a.b", "exact", false);
        trie.add("a.*", "star", false);
        trie.add("#", "hash", false);
        trie.add("#.#.b", "folded", false);
        trie.add("a.c", "other", false);
        assertThat(match("a.b")).containsExactlyInAnyOrder("exact", "star", "hash", "folded");
    }

    @Test
    void literalWildcardWordsInARoutingKeyAreOnlyWords() {
        trie.add("a.b", "exact", false);
        trie.add("a.*", "star", false);
        assertThat(match("a.*")).containsExactly("star");
    }

    @Test
    void dollarProtectedFiltersStartingWithAWildcardSkipDollarTopics() {
        trie.add("#", "hash-protected", true);
        trie.add("*.info", "star-protected", true);
        trie.add("#", "hash-open", false);
        trie.add("$SYS.#", "sys", true);
        trie.add("$SYS.*", "sys-star", true);
        trie.add("a.#", "a", true);
        assertThat(match("$SYS.info")).containsExactlyInAnyOrder("hash-open", "sys", "sys-star");
        assertThat(match("x.info")).containsExactlyInAnyOrder("hash-protected", "star-protected", "hash-open");
        // Only the first word counts: a '$' further in is an ordinary character.
        assertThat(match("a.$x")).containsExactlyInAnyOrder("hash-protected", "hash-open", "a");
    }

    @Test
    void addingTwiceKeepsOneAndRemovalPrunesOnlyItsOwnPath() {
        assertThat(trie.add("a.b.c", "q", false)).isTrue();
        assertThat(trie.add("a.b.c", "q", false)).isFalse();
        trie.add("a.b", "p", false);
        assertThat(trie.size()).isEqualTo(2);

        assertThat(trie.remove("a.b.c", "q")).isTrue();
        assertThat(trie.remove("a.b.c", "q")).isFalse();
        assertThat(trie.remove("x.y", "q")).isFalse();
        assertThat(match("a.b.c")).isEmpty();
        assertThat(match("a.b")).containsExactly("p");

        assertThat(trie.remove("a.b", "p")).isTrue();
        assertThat(trie.isEmpty()).isTrue();
    }

    @Test
    void removingAFoldedKeyRemovesTheSameBinding() {
        trie.add("a.#.#", "q", false);
        assertThat(trie.remove("a.#", "q")).isTrue();
        assertThat(match("a.b")).isEmpty();
    }

    @Test
    void manyBindingsRouteExactly() {
        for (int i = 0; i < 2_000; i++) {
            trie.add("device." + i + ".temperature", "exact-" + i, false);
            trie.add("device." + i + ".#", "all-" + i, false);
        }
        trie.add("device.*.temperature", "any-device", false);
        assertThat(match("device.1234.temperature"))
                .containsExactlyInAnyOrder("exact-1234", "all-1234", "any-device");
        assertThat(match("device.1234.humidity")).containsExactly("all-1234");

        for (int i = 0; i < 2_000; i++) {
            trie.remove("device." + i + ".temperature", "exact-" + i);
            trie.remove("device." + i + ".#", "all-" + i);
        }
        assertThat(trie.size()).isEqualTo(1);
        assertThat(match("device.7.temperature")).containsExactly("any-device");
    }

    @Test
    void splitsWordsKeepingEmptyOnes() {
        assertThat(TopicTrie.words("")).isEmpty();
        assertThat(TopicTrie.words("a")).containsExactly("a");
        assertThat(TopicTrie.words("a..b")).containsExactly("a", "", "b");
        assertThat(TopicTrie.words(".")).containsExactly("", "");
    }
}
