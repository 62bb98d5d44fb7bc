package dev.lintas.gateway.config;

import java.util.List;

import dev.lintas.runtime.config.ConfigNode;
import dev.lintas.runtime.config.ConfigProblem;
import dev.lintas.runtime.config.Position;
import dev.lintas.runtime.config.Problems;
import dev.lintas.runtime.config.YamlLoader;

/** Reads YAML text holding a {@code gateway:} section and returns what the reader found wrong with it. */
final class ReaderProblems {

    static final String FILE = "gateway.yaml";

    private ReaderProblems() {
    }

    /** The problems in {@code yaml}, in the order they appear in the text. */
    static List<ConfigProblem> problemsIn(String yaml) {
        Problems problems = new Problems();
        ConfigNode root = YamlLoader.parse(FILE, yaml, problems);
        GatewayConfigReader.read(root.map("the root", "gateway").get("gateway").orElseThrow());
        return problems.sorted();
    }

    static ConfigProblem problem(int line, int column, String message) {
        return new ConfigProblem(new Position(FILE, line, column), message);
    }
}
