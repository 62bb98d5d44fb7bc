package dev.lintas.runtime.config;

/**
 * Where something stands in a config file. Lines and columns count from 1, as editors show them.
 */
public record Position(String file, int line, int column) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
