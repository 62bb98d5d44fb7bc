package dev.lintas.broker.core;

import java.util.LinkedHashSet;
import java.util.Set;

/** Routes to every bound queue, whatever the routing key. */
final class FanoutRouter implements Router {

    private final Set<Binding> bindings = new LinkedHashSet<>();

    @Override
    public void add(Binding binding) {
        bindings.add(binding);
    }

    @Override
    public void remove(Binding binding) {
        bindings.remove(binding);
    }

    @Override
    public void route(Message message, Set<String> queues) {
        for (Binding binding : bindings) {
            queues.add(binding.queue());
        }
    }
}
