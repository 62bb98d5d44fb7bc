package dev.lintas.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;

import dev.lintas.broker.auth.PasswordHash;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lintas passwd}: prints the hash of a password, for {@code broker.users}. The password is read from the
 * terminal without echo, or from one line of standard input with {@code --stdin} (or when there is no terminal).
 */
@Command(name = "passwd", description = {"Hash a password for broker.users and print the hash.",
    "The password is read from the terminal, or from the first line of standard input."})
final class PasswdCommand implements Callable<Integer> {

    @Option(names = "--stdin", description = "read the password from the first line of standard input")
    boolean stdin;

    @Option(names = "--iterations", paramLabel = "N", description = "PBKDF2 iterations (default: ${DEFAULT-VALUE})")
    int iterations = PasswordHash.DEFAULT_ITERATIONS;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (iterations < PasswordHash.MIN_ITERATIONS || iterations > PasswordHash.MAX_ITERATIONS) {
            err.println("lintas passwd: --iterations " + iterations + " (expected " + PasswordHash.MIN_ITERATIONS
                    + " to " + PasswordHash.MAX_ITERATIONS + ")");
            err.flush();
            return 2;
        }
        char[] password = read(err);
        if (password == null || password.length == 0) {
            err.println("lintas passwd: no password given (expected one line, not empty)");
            err.flush();
            return 1;
        }
        try {
            out.println(PasswordHash.create(password, iterations, new SecureRandom()));
            out.flush();
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private char[] read(PrintWriter err) throws IOException {
        Console console = stdin ? null : System.console();
        if (console != null) {
            char[] first = console.readPassword("Password: ");
            char[] again = console.readPassword("Again: ");
            if (first == null || !Arrays.equals(first, again)) {
                err.println("lintas passwd: the two passwords differ");
                err.flush();
                return null;
            }
            return first;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        return line == null ? null : line.toCharArray();
    }
}
