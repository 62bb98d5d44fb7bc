package dev.lintas.runtime.config;

/**
 * One thing wrong with a config file, printed as {@code FILE:LINE:COL: message}.
 */
public record ConfigProblem(Position position, String message) implements Comparable<ConfigProblem> {

    @Override
    public int compareTo(ConfigProblem other) {
        int byLine = Integer.compare(position.line(), other.position.line());
        return byLine != 0 ? byLine : Integer.compare(position.column(), other.position.column());
    }

    @Override
    public String toString() {
        return position + ": " + message;
    }
}
