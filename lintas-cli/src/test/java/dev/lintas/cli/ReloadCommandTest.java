package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lintas.cli.KeepAliveConnection.Response;
import picocli.CommandLine;

/**
 * {@code lintas reload}, run in-process as the launcher runs it, against a real {@code lintas run} in a child JVM.
 * The child's own file binds its admin listener on port 0, so the command reads a second file that names the
 * port the child got.
 */
class ReloadCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private TinyBackend first;
    private TinyBackend second;
    private Path running;
    private Path cliSide;
    private LintasProcess lintas;
    private int port;

    @BeforeEach
    void start() throws IOException {
        first = TinyBackend.named("first");
        second = TinyBackend.named("second");
        running = dir.resolve("running.yaml");
        writeRunning("first");
        lintas = LintasProcess.run(running);
        port = lintas.gatewayPort("web");
        cliSide = Files.writeString(dir.resolve("cli.yaml"), "admin:\n  listen: 127.0.0.1:" + lintas.adminPort() + "\n");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (lintas != null) {
            lintas.close();
        }
        first.close();
        second.close();
    }

    /** The running child's file: every path goes to {@code upstream}. */
    private void writeRunning(String upstream) throws IOException {
        Files.writeString(running, """
                admin:
                  listen: 127.0.0.1:0
                gateway:
                  access-log: off
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                  routes:
                    - path: /
                      upstream: %s
                  upstreams:
                    first:
                      servers: [%s]
                    second:
                      servers: [%s]
                """.formatted(upstream, first.address(), second.address()));
    }

    private int lintas(String... args) {
        return new CommandLine(new Lintas())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
    }

    private Response get(String path) throws IOException {
        try (KeepAliveConnection connection = new KeepAliveConnection(port)) {
            return connection.get(path);
        }
    }

    @Test
    void reloadAppliesTheChangedFile() throws IOException {
        assertThat(get("/")).isEqualTo(new Response(200, "first"));
        writeRunning("second");

        int exit = lintas("reload", "-c", cliSide.toString());

        assertThat(exit).as("exit code; stderr: %s", err).isZero();
        assertThat(out).hasToString("reloaded " + running + "\n");
        assertThat(get("/")).isEqualTo(new Response(200, "second"));
        lintas.awaitLine(Pattern.compile("LintasServer: reloaded " + Pattern.quote(running.toString())));
    }

    @Test
    void badRunningFileIsRefusedAndTheCommandSaysWhy() throws IOException {
        Files.writeString(running, """
                admin:
                  listen: 127.0.0.1:0
                gateway:
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                  routes:
                    - path: /
                      upstream: third
                """);

        int exit = lintas("reload", "-c", cliSide.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly(
                "reload refused, the running config stays:",
                running + ":9:17: route names upstream 'third', which does not exist (no upstreams are defined)");
        assertThat(out).hasToString("");
        assertThat(get("/")).as("routed by the old config").isEqualTo(new Response(200, "first"));
        lintas.awaitLine(Pattern.compile(Pattern.quote(running + ":9:17: route names upstream 'third'")));
    }

    @Test
    void badCommandSideFileExitsOneWithoutAskingTheServer() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "admin:\n  listen: 127.0.0.1:" + lintas.adminPort()
                + "\n  lisen: 127.0.0.1:1\n");
        writeRunning("second");

        int exit = lintas("reload", "-c", bad.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly(
                "lintas: not reloading; the configuration has 1 problem(s)",
                bad + ":3:3: unknown key 'lisen' (did you mean 'listen'?)");
        assertThat(get("/")).as("the server was not asked").isEqualTo(new Response(200, "first"));
    }

    @Test
    void fileWithoutAdminSectionExitsOne() throws IOException {
        Path gatewayOnly = Files.writeString(dir.resolve("gateway-only.yaml"), """
                gateway:
                  listeners:
                    - listen: 127.0.0.1:0
                """);

        int exit = lintas("reload", "-c", gatewayOnly.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("no admin section").contains("SIGHUP");
    }
}
