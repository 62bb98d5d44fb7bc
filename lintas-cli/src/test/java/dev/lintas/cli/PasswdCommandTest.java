package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lintas.broker.auth.PasswordHash;
import picocli.CommandLine;

/** {@code lintas passwd}: the hash it prints is one the config accepts, and it matches the password read. */
class PasswdCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int passwd(String stdin, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            String[] all = new String[args.length + 1];
            all[0] = "passwd";
            System.arraycopy(args, 0, all, 1, args.length);
            return new CommandLine(new Lintas()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                    .execute(all);
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void printsAHashOfTheFirstLineOfStandardInput() {
        int exit = passwd("s3cret\nignored\n", "--stdin", "--iterations", "2000");

        assertThat(exit).as("stderr: %s", err).isZero();
        String printed = out.toString().strip();
        assertThat(printed).startsWith("$pbkdf2-sha256$i=2000$").doesNotContain("s3cret");
        PasswordHash hash = PasswordHash.parse(printed);
        assertThat(hash).isNotNull();
        assertThat(hash.matches("s3cret".toCharArray())).isTrue();
        assertThat(hash.matches("ignored".toCharArray())).isFalse();
    }

    @Test
    void aPrintedHashPassesCheckAndAMangledOneIsACheckErrorAtItsPosition() throws IOException {
        assertThat(passwd("s3cret\n", "--stdin", "--iterations", "1000")).isZero();
        String hash = out.toString().strip();
        Path good = Files.writeString(dir.resolve("good.yaml"), """
                broker:
                  users:
                    - name: alice
                      password: "%s"
                """.formatted(hash));
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                broker:
                  users:
                    - name: alice
                      password: "%s"
                """.formatted(hash.replace("$i=", "$iterations=")));
        StringWriter checked = new StringWriter();
        CommandLine check = new CommandLine(new Lintas()).setOut(new PrintWriter(checked));

        assertThat(check.execute("check", "-c", good.toString())).isZero();
        assertThat(checked.toString()).isEqualTo("configuration OK\n");
        checked.getBuffer().setLength(0);
        assertThat(check.execute("check", "-c", bad.toString())).isEqualTo(1);
        assertThat(checked.toString()).startsWith(bad + ":4:17: password: not a password hash (expected "
                + "$pbkdf2-sha256$i=ITERATIONS$SALT$HASH").doesNotContain(hash.substring(30));
    }

    @Test
    void theDefaultIterationsAreTheStrongOnes() {
        int exit = passwd("pw\n", "--stdin");

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("$pbkdf2-sha256$i=" + PasswordHash.DEFAULT_ITERATIONS + "$");
    }

    @Test
    void anEmptyPasswordOrBadIterationsAreRefused() {
        assertThat(passwd("\n", "--stdin")).isEqualTo(1);
        assertThat(passwd("", "--stdin")).isEqualTo(1);
        assertThat(err.toString()).contains("no password given");
        assertThat(passwd("pw\n", "--stdin", "--iterations", "5")).isEqualTo(2);
        assertThat(err.toString()).contains("--iterations 5 (expected 1000 to 10000000)");
        assertThat(out.toString()).isEmpty();
    }
}
