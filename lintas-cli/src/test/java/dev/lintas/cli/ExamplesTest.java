package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.lintas.runtime.config.ConfigException;

/**
 * Every example config under the repository's {@code examples/} folder passes {@code lintas check}. Maven runs
 * tests with the module as the working directory, so the folder is one level up.
 */
class ExamplesTest {

    private static final Path EXAMPLES = Path.of("..", "examples");

    private static List<Path> examples() throws IOException {
        assertThat(EXAMPLES).as("the examples folder, from " + Path.of("").toAbsolutePath()).isDirectory();
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void examplesFolderHasYamlFiles() throws IOException {
        assertThat(examples()).isNotEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyExamplePassesCheck() throws IOException {
        return examples().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            try {
                LintasConfig.load(file);
            } catch (ConfigException e) {
                fail(file + " does not pass check:\n" + String.join("\n",
                        e.problems().stream().map(Object::toString).toList()));
            }
        }));
    }
}
