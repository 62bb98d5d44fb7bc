package dev.lintas.broker.core;

import java.util.HashSet;
import java.util.Set;

/** Routes by pattern over the routing key's words, through a {@link TopicTrie}. */
final class TopicRouter implements Router {

    private final TopicTrie<Binding> trie = new TopicTrie<>();

    @Override
    public void add(Binding binding) {
        trie.add(binding.key(), binding, binding.dollarProtected());
    }

    @Override
    public void remove(Binding binding) {
        trie.remove(binding.key(), binding);
    }

    @Override
    public void route(Message message, Set<String> queues) {
        Set<Binding> matched = new HashSet<>();
        trie.match(message.routingKey(), matched);
        for (Binding binding : matched) {
            queues.add(binding.queue());
        }
    }
}
