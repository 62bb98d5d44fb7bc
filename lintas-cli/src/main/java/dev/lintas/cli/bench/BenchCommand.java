package dev.lintas.cli.bench;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lintas bench}: load tools, one subcommand per protocol. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = MqttBenchCommand.class,
        description = "Load tools for measuring a server: 'lintas bench mqtt --help'.")
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
