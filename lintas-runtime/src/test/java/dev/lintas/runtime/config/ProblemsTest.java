package dev.lintas.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;

class ProblemsTest {

    private static Position at(int line, int column) {
        return new Position("t.yaml", line, column);
    }

    @Test
    void sortsByLineThenColumn() {
        Problems problems = new Problems();
        problems.add(at(9, 1), "c");
        problems.add(at(2, 7), "b");
        problems.add(at(2, 3), "a");

        assertThat(problems.sorted()).extracting(ConfigProblem::message).containsExactly("a", "b", "c");
    }

    @Test
    void keepsTheOrderFoundForProblemsAtOnePlace() {
        Problems problems = new Problems();
        problems.add(at(4, 5), "first");
        problems.add(at(4, 5), "second");

        assertThat(problems.sorted()).extracting(ConfigProblem::message).containsExactly("first", "second");
    }

    @Test
    void printsAsFileLineColumnMessage() {
        assertThat(new ConfigProblem(at(3, 14), "unknown key 'x'")).hasToString("t.yaml:3:14: unknown key 'x'");
    }

    @Test
    void throwsEveryProblemInFileOrder() {
        Problems problems = new Problems();
        problems.add(at(5, 1), "later");
        problems.add(at(1, 1), "earlier");

        assertThatExceptionOfType(ConfigException.class).isThrownBy(problems::throwIfAny)
                .satisfies(e -> assertThat(e.problems()).extracting(ConfigProblem::message)
                        .containsExactly("earlier", "later"))
                .withMessage("2 problem(s) in the configuration; the first is t.yaml:1:1: earlier");
    }

    @Test
    void doesNotThrowWhenEmpty() throws ConfigException {
        Problems problems = new Problems();

        problems.throwIfAny();

        assertThat(problems.isEmpty()).isTrue();
    }
}
