package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** {@code lintas check} and {@code lintas version}, run in-process as the launcher runs them. */
class CheckCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int lintas(String... args) {
        return new CommandLine(new Lintas())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
    }

    private Path file(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    @Test
    void goodFileIsOk() throws IOException {
        Path config = file("good.yaml", """
                admin:
                  listen: 127.0.0.1:9090
                gateway:
                  listeners:
                    - listen: 0.0.0.0:8080
                  routes:
                    - upstream: app
                  upstreams:
                    app:
                      servers: [127.0.0.1:3000]
                """);

        int exit = lintas("check", "-c", config.toString());

        assertThat(exit).isZero();
        assertThat(out).hasToString("configuration OK\n");
        assertThat(err).hasToString("");
    }

    @Test
    void longConfigOptionWorksToo() throws IOException {
        Path config = file("good.yaml", "admin:\n  listen: 127.0.0.1:9090\n");

        int exit = lintas("check", "--config", config.toString());

        assertThat(exit).isZero();
        assertThat(out).hasToString("configuration OK\n");
    }

    @Test
    void badFilePrintsEveryProblemWithFileLineAndColumn() throws IOException {
        Path config = file("bad.yaml", """
                gateway:
                  listeners:
                    - listen: 0.0.0.0:99999
                  routes:
                    - upstream: api
                  upstreams:
                    app:
                      servers:
                        - address: 10.0.0.1:3000
                          weight: heavy
                """);

        int exit = lintas("check", "-c", config.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString().lines()).containsExactly(
                config + ":3:15: listen: '0.0.0.0:99999' (expected an address like 0.0.0.0:8080 or 127.0.0.1:9090)",
                config + ":5:17: route names upstream 'api', which does not exist (expected one of: app)",
                config + ":10:19: weight: 'heavy' (expected a whole number from 1 to 1000)");
    }

    @Test
    void everyPrintedLineHasTheProblemFormat() throws IOException {
        Path config = file("bad.yaml", """
                gatway: {}
                admin:
                  listen: nohost
                  port: 9090
                """);

        int exit = lintas("check", "-c", config.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString().lines()).hasSize(3)
                .allSatisfy(line -> assertThat(line).startsWith(config + ":").matches(".*\\.yaml:\\d+:\\d+: .+"));
    }

    @Test
    void syntaxErrorIsPrintedWithItsPosition() throws IOException {
        Path config = file("syntax.yaml", "gateway:\n\tlisteners: []\n");

        int exit = lintas("check", "-c", config.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString().lines()).singleElement()
                .satisfies(line -> assertThat(line).startsWith(config + ":2:1: YAML syntax: "));
    }

    @Test
    void missingFileIsAProblemAtItsStart() {
        Path config = dir.resolve("missing.yaml");

        int exit = lintas("check", "-c", config.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString().lines()).singleElement()
                .satisfies(line -> assertThat(line).startsWith(config + ":1:1: cannot read the file"));
    }

    @Test
    void versionPrintsTheBuildVersion() {
        int exit = lintas("version");

        assertThat(exit).isZero();
        assertThat(out).hasToString("lintas " + Version.get() + "\n");
        assertThat(Version.get()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void versionOptionPrintsTheSame() {
        int exit = lintas("--version");

        assertThat(exit).isZero();
        assertThat(out).hasToString("lintas " + Version.get() + "\n");
    }
}
