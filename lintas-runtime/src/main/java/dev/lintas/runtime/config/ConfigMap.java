package dev.lintas.runtime.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

import dev.lintas.runtime.net.HostPort;

/**
 * A YAML mapping read with typed getters. Each getter that meets a bad value records a problem at the value's
 * position and returns the default, so that reading goes on and every problem is found in one pass.
 */
public final class ConfigMap {

    private final ConfigNode self;
    private final Map<String, ConfigNode> values;
    private final Map<String, ConfigNode> keys;

    private ConfigMap(ConfigNode self, Map<String, ConfigNode> values, Map<String, ConfigNode> keys) {
        this.self = self;
        this.values = values;
        this.keys = keys;
    }

    static ConfigMap empty(ConfigNode self) {
        return new ConfigMap(self, Map.of(), Map.of());
    }

    static ConfigMap of(MappingNode mapping, ConfigNode self, List<String> knownKeys) {
        Map<String, ConfigNode> values = new LinkedHashMap<>();
        Map<String, ConfigNode> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            ConfigNode key = self.child(tuple.getKeyNode());
            if (!(tuple.getKeyNode() instanceof ScalarNode scalar)) {
                key.problem("expected a plain key, got " + key.kind());
                continue;
            }
            String name = scalar.getValue();
            ConfigNode earlier = keys.get(name);
            if (earlier != null) {
                key.problem("duplicate key '" + name + "' (first written at line " + earlier.position().line() + ")");
                continue;
            }
            if (knownKeys != null && !knownKeys.contains(name)) {
                key.problem(unknownKey(name, knownKeys));
                continue;
            }
            keys.put(name, key);
            values.put(name, self.child(tuple.getValueNode()));
        }
        return new ConfigMap(self, values, keys);
    }

    private static String unknownKey(String name, List<String> knownKeys) {
        String nearest = null;
        int best = Integer.MAX_VALUE;
        for (String known : knownKeys) {
            int distance = editDistance(name, known);
            if (distance < best) {
                best = distance;
                nearest = known;
            }
        }
        // A suggestion that shares almost nothing with what was written helps nobody.
        if (nearest != null && best <= Math.max(2, nearest.length() / 3)) {
            return "unknown key '" + name + "' (did you mean '" + nearest + "'?)";
        }
        return "unknown key '" + name + "' (expected one of: " + String.join(", ", knownKeys) + ")";
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The node this mapping was read from. */
    public ConfigNode node() {
        return self;
    }

    public Position position() {
        return self.position();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The keys present, in the order they were written. */
    public Iterable<String> keys() {
        return values.keySet();
    }

    public Optional<ConfigNode> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Where the key itself was written, or where the mapping starts when it is absent. */
    public Position keyPosition(String key) {
        ConfigNode node = keys.get(key);
        return node != null ? node.position() : self.position();
    }

    public Optional<String> string(String key) {
        return get(key).flatMap(node -> node.text("a string"));
    }

    public String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    /**
     * A required string: its absence is a problem at the mapping. A node that is not a mapping at all was
     * reported as such already, and is not reported again for what it lacks.
     */
    public Optional<String> requiredString(String key, String what) {
        if (!has(key)) {
            if (self.isMap()) {
                self.problem("missing '" + key + "' (expected " + what + ")");
            }
            return Optional.empty();
        }
        return string(key);
    }

    public boolean bool(String key, boolean fallback) {
        return parsed(key, "true, false, yes, no, on or off", text -> switch (text) {
            case "true", "yes", "on" -> Boolean.TRUE;
            case "false", "no", "off" -> Boolean.FALSE;
            default -> null;
        }).orElse(fallback);
    }

    /** An integer at least {@code min}. */
    public int integer(String key, int fallback, int min) {
        return parsed(key, "a whole number >= " + min, text -> {
            try {
                int value = Integer.parseInt(text);
                return value >= min ? value : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(fallback);
    }

    public Duration duration(String key, Duration fallback) {
        return parsed(key, "a duration like 2s or 500ms", Durations::parse).orElse(fallback);
    }

    /** A byte size such as {@code 32KiB}; the word {@code unlimited} reads as {@link Long#MAX_VALUE}. */
    public long size(String key, long fallback) {
        return parsed(key, "a size like 32KiB, 8MiB or 1GiB, or unlimited", Sizes::parse).orElse(fallback);
    }

    /** A listen address: {@code host:port}, {@code :port} for every interface, or {@code [v6]:port}. */
    public Optional<HostPort> listenAddress(String key) {
        return parsed(key, "an address like 0.0.0.0:8080 or 127.0.0.1:9090", text -> HostPort.parse(text, true));
    }

    /**
     * The value of {@code key} parsed by {@code parser}, which returns null for text it does not accept; a
     * rejected value is reported with {@code expected}.
     */
    public <T> Optional<T> parsed(String key, String expected, Function<String, T> parser) {
        ConfigNode node = values.get(key);
        if (node == null) {
            return Optional.empty();
        }
        return node.text(expected).flatMap(text -> {
            T value = parser.apply(text.trim());
            if (value == null) {
                node.problem(key + ": '" + text + "' (expected " + expected + ")");
            }
            return Optional.ofNullable(value);
        });
    }

    /** A nested mapping with the given known keys; absent reads as empty. */
    public ConfigMap map(String key, String expected, String... knownKeys) {
        ConfigNode node = values.get(key);
        return node == null ? empty(self) : node.map(expected, knownKeys);
    }

    /** A list; absent reads as empty. */
    public List<ConfigNode> list(String key, String expected) {
        ConfigNode node = values.get(key);
        return node == null ? List.of() : node.items(expected);
    }
}
