package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;

/**
 * {@code lintas run -c FILE} in a child JVM on this test's class path, as the launcher runs it. Listeners bind
 * port 0, so the bound ports are read from the child's log on standard error, which a thread collects line by
 * line. Standard output, where the access log would go, is discarded.
 */
final class LintasProcess implements AutoCloseable {

    /** A child JVM starts slowly on a busy machine; every wait on it is bounded by this. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CountDownLatch stderrClosed = new CountDownLatch(1);

    private LintasProcess(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().name("lintas-child-stderr").start(this::collect);
    }

    /** Starts {@code lintas ARGS} in a child JVM. */
    static LintasProcess start(String... args) throws IOException {
        return startIn(Path.of(""), args);
    }

    /** Starts {@code lintas ARGS} in a child JVM whose working directory is {@code dir}. */
    static LintasProcess startIn(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        // The test class path also holds the runtime's logback-test.xml, which silences the INFO lines the
        // ports are read from; the child uses the program's own logback.xml instead.
        URL logback = LintasProcess.class.getResource("/logback.xml");
        assertThat(logback).as("the program's logback.xml on the class path").isNotNull();
        command.add("-Dlogback.configurationFile=" + logback);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Lintas.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toAbsolutePath().toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return new LintasProcess(process);
    }

    /**
     * Starts {@code lintas run -c FILE} and waits until it says it is running, which it says once its signal
     * handlers are in place: a SIGHUP that came earlier would end the JVM instead.
     */
    static LintasProcess run(Path config) throws IOException {
        LintasProcess lintas = start("run", "-c", config.toString());
        try {
            lintas.awaitLine(Pattern.compile("Lintas is running"));
        } catch (AssertionError e) {
            lintas.process.destroyForcibly();
            throw e;
        }
        return lintas;
    }

    private void collect() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(reading the child's standard error failed: " + e + ")");
        } finally {
            stderrClosed.countDown();
        }
    }

    /**
     * Waits for a log line in which {@code pattern} is found, and returns the match; fails at once if the child
     * exits without writing one.
     */
    Matcher awaitLine(Pattern pattern) {
        try {
            await().atMost(PATIENCE).until(() -> find(pattern) != null || !process.isAlive() && stderrDone());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no line matching " + pattern + " in the child's log:\n" + log(), e);
        }
        Matcher found = find(pattern);
        assertThat(found).as("a line matching %s in the child's log:%n%s", pattern, log()).isNotNull();
        return found;
    }

    private Matcher find(Pattern pattern) {
        for (String line : lines) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return matcher;
            }
        }
        return null;
    }

    /** The port of the gateway listener called {@code name}, once it is bound. */
    int gatewayPort(String name) {
        return port(awaitLine(Pattern.compile("gateway listener '" + Pattern.quote(name)
                + "' on /127\\.0\\.0\\.1:(\\d+)")));
    }

    int adminPort() {
        return port(awaitLine(Pattern.compile("admin listening on /127\\.0\\.0\\.1:(\\d+)")));
    }

    private static int port(Matcher matcher) {
        return Integer.parseInt(matcher.group(1));
    }

    /** Sends {@code signal} (such as HUP) to the child with kill(1). */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                .redirectErrorStream(true)
                .start();
        assertThat(kill.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("kill -" + signal + " ended").isTrue();
        assertThat(kill.exitValue()).as("kill -" + signal + " exit code").isZero();
    }

    /**
     * Sends SIGTERM. {@link Process#destroy()} sends the same signal but also closes this side of the child's
     * pipes, which would lose the log lines written while it drains; the process handle only signals.
     */
    void terminate() {
        assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();
    }

    /** Waits for the child to exit, and for its last log lines; returns its exit code. */
    int awaitExit() throws InterruptedException {
        assertThat(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .as("the child exited; its log:\n%s", log()).isTrue();
        assertThat(stderrClosed.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the child's stderr closed").isTrue();
        return process.exitValue();
    }

    private boolean stderrDone() {
        return stderrClosed.getCount() == 0;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the child wrote to standard error so far. */
    String log() {
        return String.join("\n", lines);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
