package dev.lintas.broker.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binding keys of a topic exchange in a trie, one level per word. Words are separated by '.'; in a binding key '*'
 * matches exactly one word and '#' zero or more. The empty key has no words, so "#" matches it and "*" does not, and
 * "a..b" has an empty middle word, as in RabbitMQ. Adding and removing a key touches only its own path.
 * <p>
 * A key may be dollar-protected, which is MQTT's rule: if its first word is a wildcard, it does not match a routing
 * key whose first word starts with '$' (such as {@code $SYS}).
 * <p>
 * Public because the MQTT adapter also matches one session's own filters, to pick the QoS and the subscription
 * identifiers of a delivery. Not thread-safe: a topic exchange guards its trie with its read-write lock.
 *
 * @param <V> what a key leads to; adding one value twice under one key keeps one
 */
public final class TopicTrie<V> {

    private static final String ONE = "*";
    private static final String ANY = "#";

    private static final class Node<V> {
        final Map<String, Node<V>> children = new HashMap<>(4);
        /** The values bound at this node, each with whether it is dollar-protected. */
        final Map<V, Boolean> values = new LinkedHashMap<>(2);

        public boolean isEmpty() {
            return children.isEmpty() && values.isEmpty();
        }
    }

    private final Node<V> root = new Node<>();
    private int size;

    /** Binds {@code value} under {@code key}; returns false if it was already there. */
    public boolean add(String key, V value, boolean dollarProtected) {
        Node<V> node = root;
        for (String word : normalized(key)) {
            node = node.children.computeIfAbsent(word, w -> new Node<>());
        }
        if (node.values.containsKey(value)) {
            return false;
        }
        node.values.put(value, dollarProtected);
        size++;
        return true;
    }

    /** Unbinds {@code value} from {@code key} and prunes the path it leaves empty; returns whether it was there. */
    public boolean remove(String key, V value) {
        List<String> words = normalized(key);
        List<Node<V>> path = new ArrayList<>(words.size() + 1);
        Node<V> node = root;
        path.add(node);
        for (String word : words) {
            node = node.children.get(word);
            if (node == null) {
                return false;
            }
            path.add(node);
        }
        if (node.values.remove(value) == null) {
            return false;
        }
        size--;
        for (int i = words.size(); i > 0 && path.get(i).isEmpty(); i--) {
            path.get(i - 1).children.remove(words.get(i - 1));
        }
        return true;
    }

    /** Adds to {@code out} every value whose key matches {@code routingKey}; one may come twice, so pass a set. */
    public void match(String routingKey, Collection<? super V> out) {
        String[] words = words(routingKey);
        boolean dollar = words.length > 0 && words[0].startsWith("$");
        match(root, words, 0, dollar, false, out);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * @param guarded whether the path so far started with a wildcard at a '$' word, so that dollar-protected values
     *        do not match
     */
    private static <V> void match(Node<V> node, String[] words, int index, boolean dollar, boolean guarded,
            Collection<? super V> out) {
        Node<V> any = node.children.get(ANY);
        if (any != null) {
            boolean anyGuarded = guarded || (index == 0 && dollar);
            for (int next = index; next <= words.length; next++) {
                match(any, words, next, dollar, anyGuarded, out);
            }
        }
        if (index == words.length) {
            node.values.forEach((value, dollarProtected) -> {
                if (!(guarded && dollarProtected)) {
                    out.add(value);
                }
            });
            return;
        }
        String word = words[index];
        if (!word.equals(ONE) && !word.equals(ANY)) {
            Node<V> exact = node.children.get(word);
            if (exact != null) {
                match(exact, words, index + 1, dollar, guarded, out);
            }
        }
        Node<V> one = node.children.get(ONE);
        if (one != null) {
            match(one, words, index + 1, dollar, guarded || (index == 0 && dollar), out);
        }
    }

    /** The words of a key; the empty key has none. */
    static String[] words(String key) {
        if (key.isEmpty()) {
            return new String[0];
        }
        List<String> words = new ArrayList<>(8);
        int start = 0;
        for (int dot = key.indexOf('.'); dot >= 0; dot = key.indexOf('.', start)) {
            words.add(key.substring(start, dot));
            start = dot + 1;
        }
        words.add(key.substring(start));
        return words.toArray(new String[0]);
    }

    /** The words of a binding key with runs of '#' folded into one, which match the same keys and cost far less. */
    private static List<String> normalized(String key) {
        List<String> words = new ArrayList<>();
        for (String word : words(key)) {
            if (!(word.equals(ANY) && !words.isEmpty() && words.get(words.size() - 1).equals(ANY))) {
                words.add(word);
            }
        }
        return words;
    }
}
