package dev.lintas.broker.core;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * MQTT retained messages: the last retained message of each topic, found again by topic filter when a client
 * subscribes. Topics and filters are in the core's syntax (see {@link MqttTopics}), and filters follow the same rules
 * as a dollar-protected {@link TopicTrie} binding: a filter starting with a wildcard skips topics starting with '$'.
 * The topics sit in a trie of words, so a lookup visits only the branches its filter can match. A message expires
 * after its TTL, counted from when it was retained, and is never returned after that.
 * <p>
 * Thread-safe: one lock guards the trie; no other lock is taken under it.
 */
public final class RetainedStore {

    private static final class Node {
        final Map<String, Node> children = new HashMap<>(4);
        Message message;
        long expiresAt;

        boolean isEmpty() {
            return message == null && children.isEmpty();
        }
    }

    private final LongSupplier clock;
    private final Persistence persistence;
    private final Node root = new Node();
    private int size;

    /** @param clock the current time in milliseconds, for message expiry */
    public RetainedStore(LongSupplier clock) {
        this(clock, Persistence.NONE);
    }

    /**
     * @param clock the current time in milliseconds, for message expiry
     * @param persistence the durable store, told of every message retained or cleared
     */
    public RetainedStore(LongSupplier clock, Persistence persistence) {
        this.clock = clock;
        this.persistence = persistence;
    }

    /** Retains {@code message} for its routing key, replacing the previous one; an empty payload clears the topic. */
    public synchronized void retain(Message message) {
        long now = clock.getAsLong();
        if (message.size() == 0) {
            clear(root, TopicTrie.words(message.routingKey()), 0);
            persistence.retainCleared(message.routingKey());
            return;
        }
        put(message, now);
        persistence.retained(message, now);
    }

    /**
     * Puts back a retained message the durable store recovered, retained at {@code retainedAt}, without telling the
     * store; one whose time to live has passed since is dropped.
     */
    public synchronized void restore(Message message, long retainedAt) {
        if (message.size() > 0) {
            put(message, retainedAt);
            expire();
        }
    }

    private void put(Message message, long retainedAt) {
        Node node = root;
        for (String word : TopicTrie.words(message.routingKey())) {
            node = node.children.computeIfAbsent(word, w -> new Node());
        }
        if (node.message == null) {
            size++;
        }
        node.message = message;
        long ttl = message.ttlMillis().orElse(-1);
        node.expiresAt = ttl < 0 || retainedAt > Long.MAX_VALUE - ttl ? Long.MAX_VALUE : retainedAt + ttl;
    }

    /** The retained message of one topic. */
    public synchronized Optional<Message> get(String topic) {
        Node node = root;
        for (String word : TopicTrie.words(topic)) {
            node = node.children.get(word);
            if (node == null) {
                return Optional.empty();
            }
        }
        return node.message == null || node.expiresAt < clock.getAsLong()
                ? Optional.empty() : Optional.of(node.message);
    }

    /**
     * A retained message and when it expires.
     *
     * @param expiresAtMillis when it expires, or {@link Long#MAX_VALUE}; MQTT sends the interval that remains
     */
    public record Retained(Message message, long expiresAtMillis) {
    }

    /** The unexpired retained messages whose topics match {@code filter}, in no particular order. */
    public List<Message> match(String filter) {
        return find(filter).stream().map(Retained::message).toList();
    }

    /** Like {@link #match}, with each message's expiry. */
    public synchronized List<Retained> find(String filter) {
        Set<Retained> found = new LinkedHashSet<>();
        collect(root, TopicTrie.words(filter), 0, clock.getAsLong(), found);
        return List.copyOf(found);
    }

    public synchronized int size() {
        return size;
    }

    private void collect(Node node, String[] filter, int index, long now, Set<Retained> found) {
        if (index == filter.length) {
            if (node.message != null && node.expiresAt >= now) {
                found.add(new Retained(node.message, node.expiresAt));
            }
            return;
        }
        String word = filter[index];
        if (word.equals("#")) {
            collect(node, filter, index + 1, now, found); // '#' as zero words: "a/#" matches "a"
        }
        if (word.equals("#") || word.equals("*")) {
            int next = word.equals("#") ? index : index + 1;
            node.children.forEach((child, below) -> {
                if (!(node == root && child.startsWith("$"))) {
                    collect(below, filter, next, now, found);
                }
            });
        } else {
            Node below = node.children.get(word);
            if (below != null) {
                collect(below, filter, index + 1, now, found);
            }
        }
    }

    /** Clears the topic and prunes the branch it leaves empty; returns whether {@code node} is now empty. */
    private boolean clear(Node node, String[] words, int index) {
        if (index == words.length) {
            if (node.message != null) {
                node.message = null;
                size--;
            }
            return node.isEmpty();
        }
        Node child = node.children.get(words[index]);
        if (child != null && clear(child, words, index + 1)) {
            node.children.remove(words[index]);
        }
        return node.isEmpty();
    }

    /** Removes every expired message; a timer may call it so that expired messages free their memory. */
    public synchronized void expire() {
        long now = clock.getAsLong();
        sweep(root, now);
    }

    private boolean sweep(Node node, long now) {
        if (node.message != null && node.expiresAt < now) {
            persistence.retainCleared(node.message.routingKey());
            node.message = null;
            size--;
        }
        for (Iterator<Node> it = node.children.values().iterator(); it.hasNext();) {
            if (sweep(it.next(), now)) {
                it.remove();
            }
        }
        return node.isEmpty();
    }
}
