package dev.lintas.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.lintas.runtime.net.HostPort;

class ConfigMapTest {

    private final Problems problems = new Problems();

    private ConfigMap read(String yaml, String... knownKeys) {
        return YamlLoader.parse("t.yaml", yaml, problems).map("a test mapping", knownKeys);
    }

    private static ConfigProblem problem(int line, int column, String message) {
        return new ConfigProblem(new Position("t.yaml", line, column), message);
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(ConfigMap.editDistance("same", "same")).isZero();
        assertThat(ConfigMap.editDistance("", "abc")).isEqualTo(3);
        assertThat(ConfigMap.editDistance("abc", "")).isEqualTo(3);
        assertThat(ConfigMap.editDistance("upstrem", "upstream")).isEqualTo(1);
        assertThat(ConfigMap.editDistance("balanse", "balance")).isEqualTo(1);
        assertThat(ConfigMap.editDistance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void editDistanceIsSymmetric() {
        assertThat(ConfigMap.editDistance("listen", "lisetn"))
                .isEqualTo(ConfigMap.editDistance("lisetn", "listen"))
                .isEqualTo(2);
    }

    @Test
    void unknownKeySuggestsTheNearestKnownKey() {
        read("name: a\nlistne: :80\n", "name", "listen");

        assertThat(problems.sorted())
                .containsExactly(problem(2, 1, "unknown key 'listne' (did you mean 'listen'?)"));
    }

    @Test
    void unknownKeyFarFromEveryKnownKeyListsTheKnownKeys() {
        read("colour: red\n", "name", "listen", "header-timeout");

        assertThat(problems.sorted()).containsExactly(
                problem(1, 1, "unknown key 'colour' (expected one of: name, listen, header-timeout)"));
    }

    @Test
    void shortKeysGetASuggestionWithinTwoEdits() {
        read("pa: /\n", "path", "host");

        assertThat(problems.sorted()).containsExactly(problem(1, 1, "unknown key 'pa' (did you mean 'path'?)"));
    }

    @Test
    void shortKeysGetNoSuggestionThreeEditsAway() {
        read("zzzance: x\n", "balance");

        assertThat(problems.sorted())
                .containsExactly(problem(1, 1, "unknown key 'zzzance' (expected one of: balance)"));
    }

    @Test
    void longKeysGetASuggestionWithinAThirdOfTheirLength() {
        // 4 edits from keepalive-timeout (17 characters, so up to 5 allowed), 5 from keepalive.
        read("keepalive_time: 4s\n", "keepalive", "keepalive-timeout");

        assertThat(problems.sorted()).containsExactly(
                problem(1, 1, "unknown key 'keepalive_time' (did you mean 'keepalive-timeout'?)"));
    }

    @Test
    void unknownKeysAreLeftOutOfTheMapping() {
        ConfigMap map = read("name: a\nnmae: b\n", "name");

        assertThat(map.keys()).containsExactly("name");
        assertThat(map.has("nmae")).isFalse();
    }

    @Test
    void duplicateKeyIsReportedWhereItIsWrittenTheSecondTime() {
        ConfigMap map = read("name: a\nlisten: :80\nname: b\n", "name", "listen");

        assertThat(problems.sorted())
                .containsExactly(problem(3, 1, "duplicate key 'name' (first written at line 1)"));
        assertThat(map.string("name")).contains("a");
    }

    @Test
    void keyThatIsNotAScalarIsReported() {
        read("[a, b]: 1\n", "a");

        assertThat(problems.sorted()).containsExactly(problem(1, 1, "expected a plain key, got a list"));
    }

    @Test
    void keysAreKeptInTheOrderWritten() {
        ConfigMap map = read("c: 1\na: 2\nb: 3\n", "a", "b", "c");

        assertThat(map.keys()).containsExactly("c", "a", "b");
    }

    @Test
    void keyPositionIsWhereTheKeyIsWrittenOrTheMappingWhenAbsent() {
        ConfigMap map = read("outer:\n  first: 0\n  inner: 1\n", "outer")
                .map("outer", "a mapping", "first", "inner", "other");

        assertThat(map.keyPosition("inner")).isEqualTo(new Position("t.yaml", 3, 3));
        assertThat(map.get("inner").orElseThrow().position()).isEqualTo(new Position("t.yaml", 3, 10));
        assertThat(map.keyPosition("other")).isEqualTo(new Position("t.yaml", 2, 3));
    }

    @Test
    void stringOfAMappingIsReportedAtTheValue() {
        ConfigMap map = read("name:\n  a: 1\n", "name");

        assertThat(map.string("name", "fallback")).isEqualTo("fallback");
        assertThat(problems.sorted()).containsExactly(problem(2, 3, "expected a string, got a mapping"));
    }

    @Test
    void stringOfNothingIsReported() {
        ConfigMap map = read("name:\nother: 1\n", "name", "other");

        assertThat(map.string("name")).isEmpty();
        assertThat(problems.sorted()).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("expected a string, got nothing"))
                .satisfies(p -> assertThat(p.position().line()).isEqualTo(1));
    }

    @Test
    void absentValuesReadAsTheirFallbackWithoutAProblem() {
        ConfigMap map = read("name: a\n", "name", "retries", "backup", "timeout", "size", "listen");

        assertThat(map.integer("retries", 2, 0)).isEqualTo(2);
        assertThat(map.bool("backup", false)).isFalse();
        assertThat(map.duration("timeout", Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThat(map.size("size", 1024)).isEqualTo(1024);
        assertThat(map.listenAddress("listen")).isEmpty();
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void requiredStringThatIsAbsentIsReportedAtTheMapping() {
        ConfigMap map = read("outer:\n  name: a\n", "outer").map("outer", "a mapping", "name", "path");

        assertThat(map.requiredString("path", "a path like /health")).isEmpty();
        assertThat(problems.sorted())
                .containsExactly(problem(2, 3, "missing 'path' (expected a path like /health)"));
    }

    @Test
    void boolReadsTheYamlWordsForTrueAndFalse() {
        ConfigMap map = read("a: true\nb: yes\nc: on\nd: false\ne: no\nf: off\n", "a", "b", "c", "d", "e", "f");

        assertThat(map.bool("a", false)).isTrue();
        assertThat(map.bool("b", false)).isTrue();
        assertThat(map.bool("c", false)).isTrue();
        assertThat(map.bool("d", true)).isFalse();
        assertThat(map.bool("e", true)).isFalse();
        assertThat(map.bool("f", true)).isFalse();
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void boolThatIsNeitherIsReportedAtTheValue() {
        ConfigMap map = read("backup: maybe\n", "backup");

        assertThat(map.bool("backup", false)).isFalse();
        assertThat(problems.sorted()).containsExactly(problem(1, 9, "backup: 'maybe' (expected true, false, yes, no, on or off)"));
    }

    @Test
    void integerBelowItsMinimumIsReported() {
        ConfigMap map = read("rise: 0\n", "rise");

        assertThat(map.integer("rise", 2, 1)).isEqualTo(2);
        assertThat(problems.sorted()).containsExactly(problem(1, 7, "rise: '0' (expected a whole number >= 1)"));
    }

    @Test
    void integerThatIsAWordIsReported() {
        ConfigMap map = read("retries: many\n", "retries");

        assertThat(map.integer("retries", 2, 0)).isEqualTo(2);
        assertThat(problems.sorted())
                .containsExactly(problem(1, 10, "retries: 'many' (expected a whole number >= 0)"));
    }

    @Test
    void durationIsReadAndABadOneReported() {
        ConfigMap map = read("a: 250ms\nb: 2 seconds\n", "a", "b");

        assertThat(map.duration("a", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(map.duration("b", Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThat(problems.sorted())
                .containsExactly(problem(2, 4, "b: '2 seconds' (expected a duration like 2s or 500ms)"));
    }

    @Test
    void sizeIsReadAndABadOneReported() {
        ConfigMap map = read("a: 8MiB\nb: 8MB\n", "a", "b");

        assertThat(map.size("a", 0)).isEqualTo(8L << 20);
        assertThat(map.size("b", 7)).isEqualTo(7);
        assertThat(problems.sorted()).containsExactly(
                problem(2, 4, "b: '8MB' (expected a size like 32KiB, 8MiB or 1GiB, or unlimited)"));
    }

    @Test
    void listenAddressIsReadAndABadOneReported() {
        ConfigMap map = read("a: '[::1]:0'\nb: 0.0.0.0:99999\n", "a", "b");

        assertThat(map.listenAddress("a")).contains(new HostPort("::1", 0));
        assertThat(map.listenAddress("b")).isEmpty();
        assertThat(problems.sorted()).containsExactly(problem(2, 4,
                "b: '0.0.0.0:99999' (expected an address like 0.0.0.0:8080 or 127.0.0.1:9090)"));
    }

    @Test
    void valuesAreTrimmedBeforeParsing() {
        ConfigMap map = read("a: ' 5s '\n", "a");

        assertThat(map.duration("a", Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void nestedMappingThatIsAListIsReportedAndReadAsEmpty() {
        ConfigMap inner = read("outer: [1, 2]\n", "outer").map("outer", "the outer section (a mapping)", "a");

        assertThat(inner.keys()).isEmpty();
        assertThat(problems.sorted())
                .containsExactly(problem(1, 8, "expected the outer section (a mapping), got a list"));
    }

    @Test
    void listThatIsAScalarIsReportedAndReadAsEmpty() {
        ConfigMap map = read("servers: 10.0.0.1:3000\n", "servers");

        assertThat(map.list("servers", "a list of servers")).isEmpty();
        assertThat(problems.sorted())
                .containsExactly(problem(1, 10, "expected a list of servers, got '10.0.0.1:3000'"));
    }

    @Test
    void listOfNothingReadsAsEmptyWithoutAProblem() {
        ConfigMap map = read("servers:\n", "servers");

        assertThat(map.list("servers", "a list of servers")).isEmpty();
        assertThat(problems.isEmpty()).isTrue();
    }
}
