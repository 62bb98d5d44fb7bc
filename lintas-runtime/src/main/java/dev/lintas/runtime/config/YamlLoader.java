package dev.lintas.runtime.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.common.ScalarStyle;

/**
 * Reads a YAML file into a {@link ConfigNode} tree that remembers where each value was written. Syntax errors
 * become problems with their line and column.
 */
public final class YamlLoader {

    /** Files larger than this are refused before parsing; no sane config comes near it. */
    private static final int MAX_FILE_BYTES = 4 << 20;

    private YamlLoader() {
    }

    /** Reads {@code file}. A file that cannot be read or parsed yields a problem and an empty root. */
    public static ConfigNode load(Path file, Problems problems) {
        String name = file.toString();
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                problems.add(new Position(name, 1, 1), "file is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
                return emptyRoot(name, problems);
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            problems.add(new Position(name, 1, 1), "cannot read the file: " + e.getMessage());
            return emptyRoot(name, problems);
        }
        return parse(name, text, problems);
    }

    /** Parses {@code text} as the contents of a file called {@code name}. */
    public static ConfigNode parse(String name, String text, Problems problems) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(name)
                .setMaxAliasesForCollections(50)
                .setAllowRecursiveKeys(false)
                .setCodePointLimit(MAX_FILE_BYTES)
                .build();
        try {
            Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)));
            Optional<Node> root = composer.getSingleNode();
            return root.map(node -> new ConfigNode(node, name, problems)).orElseGet(() -> emptyRoot(name, problems));
        } catch (MarkedYamlEngineException e) {
            // "while scanning X" means a token began at the context mark and never ended: that is where to look.
            // Otherwise the problem mark is where the file stops making sense.
            String context = e.getContext();
            boolean unfinished = context != null && context.startsWith("while scanning");
            Mark mark = (unfinished ? e.getContextMark().or(e::getProblemMark)
                    : e.getProblemMark().or(e::getContextMark)).orElse(null);
            Position position = mark == null
                    ? new Position(name, 1, 1)
                    : new Position(name, mark.getLine() + 1, mark.getColumn() + 1);
            String problem = firstLine(e.getProblem());
            problems.add(position, "YAML syntax: " + (context == null ? problem : context + ", " + problem));
        } catch (YamlEngineException e) {
            problems.add(new Position(name, 1, 1), "YAML syntax: " + firstLine(e.getMessage()));
        }
        return emptyRoot(name, problems);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "not valid YAML";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static ConfigNode emptyRoot(String name, Problems problems) {
        ScalarNode nothing = new ScalarNode(Tag.NULL, "", ScalarStyle.PLAIN);
        return new ConfigNode(nothing, name, problems);
    }
}
