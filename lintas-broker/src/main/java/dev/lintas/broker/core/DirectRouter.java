package dev.lintas.broker.core;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Routes to the queues bound with exactly the message's routing key: one hash lookup per publish. */
final class DirectRouter implements Router {

    private final Map<String, Set<Binding>> byKey = new HashMap<>();

    @Override
    public void add(Binding binding) {
        byKey.computeIfAbsent(binding.key(), key -> new LinkedHashSet<>()).add(binding);
    }

    @Override
    public void remove(Binding binding) {
        Set<Binding> bindings = byKey.get(binding.key());
        if (bindings != null && bindings.remove(binding) && bindings.isEmpty()) {
            byKey.remove(binding.key());
        }
    }

    @Override
    public void route(Message message, Set<String> queues) {
        Set<Binding> bindings = byKey.get(message.routingKey());
        if (bindings != null) {
            for (Binding binding : bindings) {
                queues.add(binding.queue());
            }
        }
    }
}
