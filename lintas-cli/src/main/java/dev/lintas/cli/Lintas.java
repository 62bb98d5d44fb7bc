package dev.lintas.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.lintas.cli.bench.BenchCommand;
import dev.lintas.runtime.config.ConfigException;
import dev.lintas.runtime.config.ConfigProblem;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * The {@code lintas} command: run, check, reload, version, passwd, and the load tools under {@code bench}.
 */
@Command(name = "lintas", mixinStandardHelpOptions = true, versionProvider = Lintas.VersionProvider.class,
        description = "Gateway and message broker in one program.",
        subcommands = {Lintas.Run.class, Lintas.Check.class, Lintas.Reload.class, Lintas.VersionCommand.class,
            PasswdCommand.class, BenchCommand.class})
public final class Lintas implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Netty's leak detector samples buffers and records stack traces, which costs a few percent of a busy
        // proxy. The tests run it at its strictest; in production it is off unless asked for.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        System.exit(execute(args));
    }

    static int execute(String... args) {
        return new CommandLine(new Lintas()).execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** Reads the config named by {@code -c}, else {@code ./lintas.yaml}, else the built-in defaults. */
    static LintasConfig resolve(Path file) throws ConfigException {
        if (file != null) {
            return LintasConfig.load(file);
        }
        Path local = Path.of(LintasConfig.DEFAULT_FILE);
        return Files.isRegularFile(local) ? LintasConfig.load(local) : LintasConfig.defaults();
    }

    static void printProblems(PrintWriter out, ConfigException e) {
        for (ConfigProblem problem : e.problems()) {
            out.println(problem);
        }
        out.flush();
    }

    /**
     * What the commands that read a config share: the {@code -c/--config FILE} option, and the output and error
     * streams of the command that mixes it in.
     */
    static final class ReadsConfig {

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "config file (default: ./lintas.yaml "
                + "if present, else built-in defaults)")
        Path file;

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec command;

        /** The config this command reads: see {@link Lintas#resolve}. */
        LintasConfig config() throws ConfigException {
            return resolve(file);
        }

        PrintWriter out() {
            return command.commandLine().getOut();
        }

        PrintWriter err() {
            return command.commandLine().getErr();
        }
    }

    @Command(name = "run", description = "Start Lintas.")
    static final class Run implements Callable<Integer> {

        @CommandLine.Mixin
        ReadsConfig command;

        @Override
        public Integer call() throws InterruptedException {
            Logger log = LoggerFactory.getLogger(Lintas.class);
            LintasConfig config;
            try {
                config = command.config();
            } catch (ConfigException e) {
                PrintWriter err = command.err();
                err.println("lintas: the configuration has " + e.problems().size() + " problem(s); not starting");
                printProblems(err, e);
                return 1;
            }
            LintasServer server = new LintasServer(config, Runtime.getRuntime().availableProcessors());
            try {
                server.start();
            } catch (IOException e) {
                log.error("cannot start: {}", e.getMessage());
                server.close();
                return 1;
            }
            CountDownLatch stop = new CountDownLatch(1);
            Signal.handle(new Signal("TERM"), signal -> stop.countDown());
            Signal.handle(new Signal("INT"), signal -> stop.countDown());
            Signal.handle(new Signal("HUP"), signal -> server.reload().exceptionally(failure -> null));
            log.info("Lintas is running; SIGHUP or 'lintas reload' reloads the config, SIGTERM stops");
            stop.await();
            server.close();
            return 0;
        }
    }

    @Command(name = "check", description = "Check a config file and print every problem in it.")
    static final class Check implements Callable<Integer> {

        @CommandLine.Mixin
        ReadsConfig command;

        @Override
        public Integer call() {
            PrintWriter out = command.out();
            try {
                command.config();
            } catch (ConfigException e) {
                printProblems(out, e);
                return 1;
            }
            out.println("configuration OK");
            out.flush();
            return 0;
        }
    }

    @Command(name = "reload", description = {"Ask a running Lintas to reload its config, through its admin "
            + "listener (the same as sending it SIGHUP).", "The config file is the running Lintas's, read for the "
            + "admin address."})
    static final class Reload implements Callable<Integer> {

        @CommandLine.Mixin
        ReadsConfig command;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = command.out();
            PrintWriter err = command.err();
            LintasConfig config;
            try {
                config = command.config();
            } catch (ConfigException e) {
                err.println("lintas: not reloading; the configuration has " + e.problems().size() + " problem(s)");
                printProblems(err, e);
                return 1;
            }
            if (config.admin() == null) {
                err.println("lintas: the config has no admin section, so there is no admin listener to ask; "
                        + "send SIGHUP to the lintas process instead");
                return 1;
            }
            var listen = config.admin().listen();
            String host = listen.isWildcard() ? "127.0.0.1" : listen.host();
            URI uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + listen.port()
                    + "/reload");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            try {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                (response.statusCode() == 200 ? out : err).print(response.body());
                out.flush();
                err.flush();
                return response.statusCode() == 200 ? 0 : 1;
            } catch (IOException e) {
                err.println("lintas: cannot reach the admin listener at " + uri + ": "
                        + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())
                        + " (is Lintas running with this config?)");
                return 1;
            }
        }
    }

    @Command(name = "version", description = "Print the version.")
    static final class VersionCommand implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println("lintas " + Version.get());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lintas " + Version.get()};
        }
    }
}
