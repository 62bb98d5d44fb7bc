package dev.lintas.broker.mqtt;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link MqttBroker#matches}, which picks the QoS and options of every delivery from the session's filters. */
class MqttTopicMatchTest {

    @Test
    void wildcardsMatchAsTheSpecSays() {
        assertThat(MqttBroker.matches("a/b", "a/b")).isTrue();
        assertThat(MqttBroker.matches("a/b", "a/bc")).isFalse();
        assertThat(MqttBroker.matches("a/b", "a/b/c")).isFalse();
        assertThat(MqttBroker.matches("a/b/c", "a/b")).isFalse();
        assertThat(MqttBroker.matches("a/+", "a/b")).isTrue();
        assertThat(MqttBroker.matches("a/+", "a/")).isTrue(); // an empty level is a level
        assertThat(MqttBroker.matches("a/+", "a")).isFalse();
        assertThat(MqttBroker.matches("+/+", "/x")).isTrue();
        assertThat(MqttBroker.matches("a/#", "a")).isTrue(); // '#' also matches the parent level [MQTT-4.7.1-2]
        assertThat(MqttBroker.matches("a/#", "a/b/c")).isTrue();
        assertThat(MqttBroker.matches("a/#", "ab")).isFalse();
        assertThat(MqttBroker.matches("#", "a/b")).isTrue();
        assertThat(MqttBroker.matches("#", "$SYS/x")).isFalse(); // [MQTT-4.7.2-1]
        assertThat(MqttBroker.matches("+/x", "$SYS/x")).isFalse();
        assertThat(MqttBroker.matches("$SYS/#", "$SYS/x")).isTrue();
        assertThat(MqttBroker.matches("a//b", "a//b")).isTrue();
        assertThat(MqttBroker.matches("a/+/b", "a//b")).isTrue();
    }

    /** Against a reference that splits both names into levels, over random names from a small alphabet. */
    @Test
    void agreesWithSplittingIntoLevelsOnRandomNames() {
        Random random = new Random(42);
        String[] words = {"", "a", "b", "ab", "$s"};
        for (int i = 0; i < 50_000; i++) {
            String topic = name(random, words, false);
            String filter = name(random, words, true);
            assertThat(MqttBroker.matches(filter, topic)).as("filter '%s', topic '%s'", filter, topic)
                    .isEqualTo(bySplitting(filter, topic));
        }
    }

    private static String name(Random random, String[] words, boolean filter) {
        int levels = 1 + random.nextInt(4);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            int pick = random.nextInt(words.length + (filter ? 2 : 0));
            if (pick == words.length) {
                parts.add("+");
            } else if (pick == words.length + 1) {
                parts.add("#");
                break; // '#' only last
            } else {
                parts.add(words[pick]);
            }
        }
        return String.join("/", parts);
    }

    private static boolean bySplitting(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
