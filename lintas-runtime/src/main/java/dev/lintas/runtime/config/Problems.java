package dev.lintas.runtime.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem found while reading one config file, so that all of them are reported together
 * rather than the first one alone.
 */
public final class Problems {

    private final List<ConfigProblem> found = new ArrayList<>();

    public void add(Position position, String message) {
        found.add(new ConfigProblem(position, message));
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    /** The problems in the order they appear in the file. */
    public List<ConfigProblem> sorted() {
        List<ConfigProblem> copy = new ArrayList<>(found);
        copy.sort(null);
        return copy;
    }

    /** Throws when anything was found; otherwise does nothing. */
    public void throwIfAny() throws ConfigException {
        if (!found.isEmpty()) {
            throw new ConfigException(sorted());
        }
    }
}
