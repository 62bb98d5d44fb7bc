package dev.lintas.runtime.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One value of a YAML config file together with where it was written. Readers report problems through
 * {@link #problem(String)}, which records them and lets reading go on, so that one pass finds them all.
 */
public final class ConfigNode {

    private final Node node;
    private final String file;
    private final Problems problems;

    ConfigNode(Node node, String file, Problems problems) {
        this.node = node;
        this.file = file;
        this.problems = problems;
    }

    public Position position() {
        return node.getStartMark()
                .map(mark -> new Position(file, mark.getLine() + 1, mark.getColumn() + 1))
                .orElse(new Position(file, 1, 1));
    }

    public Problems problems() {
        return problems;
    }

    public void problem(String message) {
        problems.add(position(), message);
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    public boolean isMap() {
        return node instanceof MappingNode;
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    /** A null scalar: {@code key:} with nothing after it, {@code ~} or {@code null}. */
    public boolean isNull() {
        return node instanceof ScalarNode scalar
                && scalar.isPlain()
                && switch (scalar.getValue()) {
                    case "", "~", "null", "Null", "NULL" -> true;
                    default -> false;
                };
    }

    /** What this node is, for messages such as "expected a string, got a list". */
    public String kind() {
        if (isMap()) {
            return "a mapping";
        }
        if (isList()) {
            return "a list";
        }
        return isNull() ? "nothing" : "'" + ((ScalarNode) node).getValue() + "'";
    }

    /** The text of a scalar, or a problem when this is a mapping or a list. */
    public Optional<String> text(String expected) {
        if (node instanceof ScalarNode scalar && !isNull()) {
            return Optional.of(scalar.getValue());
        }
        problem("expected " + expected + ", got " + kind());
        return Optional.empty();
    }

    /** The entries of a list, or a problem when this is not a list. */
    public List<ConfigNode> items(String expected) {
        if (node instanceof SequenceNode sequence) {
            List<ConfigNode> items = new ArrayList<>(sequence.getValue().size());
            for (Node item : sequence.getValue()) {
                items.add(new ConfigNode(item, file, problems));
            }
            return items;
        }
        if (!isNull()) {
            problem("expected " + expected + ", got " + kind());
        }
        return List.of();
    }

    /**
     * This node read as a mapping whose keys must be among {@code knownKeys}. Unknown keys are reported with the
     * nearest known key. A node that is not a mapping is reported and read as an empty one.
     */
    public ConfigMap map(String expected, String... knownKeys) {
        if (node instanceof MappingNode mapping) {
            return ConfigMap.of(mapping, this, List.of(knownKeys));
        }
        if (!isNull()) {
            problem("expected " + expected + ", got " + kind());
        }
        return ConfigMap.empty(this);
    }

    /** This node read as a mapping with any keys, such as the table of named upstreams. */
    public ConfigMap openMap(String expected) {
        if (node instanceof MappingNode mapping) {
            return ConfigMap.of(mapping, this, null);
        }
        if (!isNull()) {
            problem("expected " + expected + ", got " + kind());
        }
        return ConfigMap.empty(this);
    }

    ConfigNode child(Node child) {
        return new ConfigNode(child, file, problems);
    }
}
