package dev.lintas.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlLoaderTest {

    private final Problems problems = new Problems();

    private ConfigNode parse(String yaml) {
        return YamlLoader.parse("t.yaml", yaml, problems);
    }

    private static Position at(int line, int column) {
        return new Position("t.yaml", line, column);
    }

    @Test
    void positionsCountLinesAndColumnsFromOne() {
        ConfigNode root = parse("""
                admin:
                  listen: 127.0.0.1:9090
                """);

        ConfigMap sections = root.map("sections", "admin");
        ConfigMap admin = sections.map("admin", "admin", "listen");
        assertThat(root.position()).isEqualTo(at(1, 1));
        assertThat(sections.keyPosition("admin")).isEqualTo(at(1, 1));
        assertThat(admin.keyPosition("listen")).isEqualTo(at(2, 3));
        assertThat(admin.get("listen").orElseThrow().position()).isEqualTo(at(2, 11));
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void emptyTextIsAnEmptyRoot() {
        ConfigNode root = parse("");

        assertThat(root.isNull()).isTrue();
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void commentsAloneAreAnEmptyRoot() {
        ConfigNode root = parse("# nothing here yet\n\n# still nothing\n");

        assertThat(root.isNull()).isTrue();
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void badIndentationIsReportedWhereTheLineGoesWrong() {
        ConfigNode root = parse("""
                gateway:
                  listeners:
                    - listen: 0.0.0.0:8080
                   routes: []
                """);

        assertThat(problems.sorted()).singleElement().satisfies(problem -> {
            assertThat(problem.position()).isEqualTo(at(4, 4));
            assertThat(problem.message()).startsWith("YAML syntax: ").contains("expected <block end>");
        });
        assertThat(root.isNull()).isTrue();
    }

    @Test
    void listItemInsideAMappingIsReportedWhereTheDashIs() {
        parse("""
                admin:
                  listen: 127.0.0.1:9090
                  - x
                """);

        assertThat(problems.sorted()).singleElement().satisfies(problem -> {
            assertThat(problem.position()).isEqualTo(at(3, 3));
            assertThat(problem.message()).startsWith("YAML syntax: ");
        });
    }

    @Test
    void tabIndentationIsReportedWhereTheTabIs() {
        parse("gateway:\n\tlisteners: []\n");

        assertThat(problems.sorted()).singleElement().satisfies(problem -> {
            assertThat(problem.position()).isEqualTo(at(2, 1));
            assertThat(problem.message()).startsWith("YAML syntax: ").contains("TAB");
        });
    }

    @Test
    void unclosedFlowMappingIsReported() {
        parse("admin: {listen: 127.0.0.1:9090\n");

        assertThat(problems.sorted()).singleElement().satisfies(problem -> {
            assertThat(problem.position()).isEqualTo(at(2, 1));
            assertThat(problem.message()).startsWith("YAML syntax: ").contains("'}'");
        });
    }

    @Test
    void unclosedQuoteIsOneSyntaxProblem() {
        ConfigNode root = parse("""
                admin:
                  listen: "127.0.0.1:9090
                gateway:
                  listeners: []
                """);

        assertThat(problems.sorted()).singleElement()
                .satisfies(problem -> assertThat(problem.message()).startsWith("YAML syntax: "));
        assertThat(root.isNull()).isTrue();
    }

    /**
     * Today the problem is reported at the end of the file (5:1) as "found unexpected end of stream", which does not
     * say that a quote is open nor where: YamlLoader reports the problem mark and drops the parser's context.
     */
    @Test
    void unclosedQuoteIsReportedWhereTheQuoteOpens() {
        parse("""
                admin:
                  listen: "127.0.0.1:9090
                gateway:
                  listeners: []
                """);

        assertThat(problems.sorted()).singleElement().satisfies(problem -> {
            assertThat(problem.position()).isEqualTo(at(2, 11));
            assertThat(problem.message()).startsWith("YAML syntax: ").contains("quoted scalar");
        });
    }

    /** Today the message is "YAML syntax: but found another document": the first half of the sentence is lost. */
    @Test
    void secondDocumentIsReportedInAWholeSentence() {
        parse("admin: {}\n---\ngateway: {}\n");

        assertThat(problems.sorted()).singleElement().satisfies(problem -> {
            assertThat(problem.position()).isEqualTo(at(2, 1));
            assertThat(problem.message()).startsWith("YAML syntax: expected a single document");
        });
    }

    @Test
    void tooManyAliasesAreRefused() {
        StringBuilder yaml = new StringBuilder("a: &a [x]\nb: [");
        for (int i = 0; i < 60; i++) {
            yaml.append(i == 0 ? "" : ", ").append("*a");
        }
        parse(yaml.append("]\n").toString());

        assertThat(problems.sorted()).singleElement()
                .satisfies(problem -> assertThat(problem.message()).startsWith("YAML syntax: ").contains("aliases"));
    }

    @Test
    void loadNamesProblemsAfterTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("lintas.yaml"), "admin:\n  listen: [\n");

        YamlLoader.load(file, problems);

        assertThat(problems.sorted()).singleElement()
                .satisfies(problem -> assertThat(problem.position().file()).isEqualTo(file.toString()));
    }

    @Test
    void loadReadsPositionsFromTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("lintas.yaml"), "# admin\nadmin:\n  listen: :9090\n");

        ConfigNode root = YamlLoader.load(file, problems);

        ConfigNode listen = root.map("sections", "admin").map("admin", "admin", "listen").get("listen").orElseThrow();
        assertThat(listen.position()).isEqualTo(new Position(file.toString(), 3, 11));
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void missingFileIsOneProblemAtItsStart(@TempDir Path dir) {
        Path file = dir.resolve("missing.yaml");

        ConfigNode root = YamlLoader.load(file, problems);

        assertThat(root.isNull()).isTrue();
        assertThat(problems.sorted()).singleElement().satisfies(problem -> {
            assertThat(problem.position()).isEqualTo(new Position(file.toString(), 1, 1));
            assertThat(problem.message()).startsWith("cannot read the file");
        });
    }

    @Test
    void fileLargerThanFourMebibytesIsRefusedUnread(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("huge.yaml"), "# " + "x".repeat(4 << 20) + "\n");

        YamlLoader.load(file, problems);

        assertThat(problems.sorted()).singleElement().satisfies(problem -> {
            assertThat(problem.position()).isEqualTo(new Position(file.toString(), 1, 1));
            assertThat(problem.message()).isEqualTo("file is larger than 4 MiB");
        });
    }
}
