package dev.lintas.runtime.config;

import java.util.List;

/**
 * A config file that cannot be used, with every problem found in it.
 */
public final class ConfigException extends Exception {

    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.size() + " problem(s) in the configuration; the first is " + problems.get(0));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
