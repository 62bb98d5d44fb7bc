package dev.lintas.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lintas.broker.config.BrokerConfig;
import dev.lintas.broker.config.BrokerConfigReader;
import dev.lintas.runtime.config.ConfigNode;
import dev.lintas.runtime.config.ConfigProblem;
import dev.lintas.runtime.config.Problems;
import dev.lintas.runtime.config.YamlLoader;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code broker.store.fsync}: the three settings, the default, and a check error for anything else. */
class StoreConfigTest {

    private final Problems problems = new Problems();

    private BrokerConfig read(String yaml) {
        ConfigNode root = YamlLoader.parse("lintas.yaml", yaml, problems);
        return BrokerConfigReader.read(root.map("a mapping", "broker").get("broker").orElseThrow());
    }

    @Test
    void fsyncIsAlwaysUnlessSaidOtherwise() {
        assertThat(read("broker:\n  data-dir: ./data\n").fsync()).isEqualTo(FsyncPolicy.ALWAYS);
        assertThat(read("broker:\n  store:\n    fsync: always\n").fsync()).isEqualTo(FsyncPolicy.ALWAYS);
        assertThat(read("broker:\n  store:\n    fsync: never\n").fsync()).isEqualTo(FsyncPolicy.NEVER);
        assertThat(read("broker:\n  store:\n    fsync: every 100ms\n").fsync())
                .isEqualTo(FsyncPolicy.every(Duration.ofMillis(100)));
        assertThat(problems.isEmpty()).isTrue();
        assertThat(FsyncPolicy.every(Duration.ofSeconds(2)).toString()).isEqualTo("every 2s");
        assertThat(FsyncPolicy.NEVER.weaker()).isTrue();
        assertThat(FsyncPolicy.ALWAYS.weaker()).isFalse();
    }

    @Test
    void aBadSettingIsACheckErrorAtItsPosition() {
        read("broker:\n  store:\n    fsync: sometimes\n");
        read("broker:\n  store:\n    fsync: every 0s\n");
        read("broker:\n  store:\n    fsync: every\n");
        read("broker:\n  store:\n    fsnyc: always\n");
        List<ConfigProblem> found = problems.sorted();
        assertThat(found).hasSize(4);
        assertThat(found).allSatisfy(problem -> assertThat(problem.position().line()).isEqualTo(3));
        assertThat(found.stream().map(ConfigProblem::message)).contains(
                "fsync: 'sometimes' (expected always, never, or every and a duration like every 100ms)",
                "fsync: 'every 0s' (expected always, never, or every and a duration like every 100ms)");
        assertThat(found.stream().map(ConfigProblem::message)).anyMatch(m -> m.contains("unknown key 'fsnyc'"));
    }
}
