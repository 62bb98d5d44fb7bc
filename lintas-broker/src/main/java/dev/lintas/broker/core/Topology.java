package dev.lintas.broker.core;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exchanges of a virtual host and the bindings from them to queues, indexed both ways: by exchange in each
 * {@link Exchange}, by queue here, so that deleting either end drops its bindings. Changes are made under the host's
 * lock; publishers look exchanges up in the concurrent map without it. Every change is reported to the
 * {@link Persistence}, including those that follow from another (an auto-delete, the bindings of a deleted end).
 */
final class Topology {

    static final String RESERVED_PREFIX = "amq.";

    private final String host;
    private final Persistence persistence;
    private final Map<String, Exchange> exchanges = new ConcurrentHashMap<>();
    // Guarded by the host's lock.
    private final Map<String, Set<Binding>> bindingsByQueue = new HashMap<>();

    /** Starts with AMQP's built-in exchanges: amq.direct, amq.fanout, amq.topic, amq.headers and amq.match. */
    Topology(String host, Persistence persistence) {
        this.host = host;
        this.persistence = persistence;
        for (ExchangeType type : ExchangeType.values()) {
            add(ExchangeSpec.of(RESERVED_PREFIX + type.amqpName(), type).asDurable());
        }
        add(ExchangeSpec.of("amq.match", ExchangeType.HEADERS).asDurable());
    }

    /** The exchange, or null. Safe without the host's lock. */
    Exchange find(String exchange) {
        return exchanges.get(exchange);
    }

    /** The exchange, or 404. Safe without the host's lock. */
    Exchange existing(String exchange) {
        Exchange existing = exchanges.get(exchange);
        if (existing == null) {
            throw new BrokerException(BrokerError.NOT_FOUND, "no exchange '" + exchange + "' in vhost '" + host + "'");
        }
        return existing;
    }

    void declare(ExchangeSpec spec) {
        Exchange existing = exchanges.get(spec.name());
        if (existing != null) {
            existing.spec().checkEquivalent(spec);
            return;
        }
        checkNotReserved("exchange", spec.name());
        add(spec);
        persistence.exchangeDeclared(spec);
    }

    void delete(String exchange, boolean ifUnused) {
        if (exchange.startsWith(RESERVED_PREFIX)) {
            throw new BrokerException(BrokerError.ACCESS_REFUSED, "exchange '" + exchange + "' is built in");
        }
        Exchange existing = exchanges.get(exchange);
        if (existing == null) {
            return; // as in RabbitMQ, deleting what does not exist succeeds
        }
        if (ifUnused && existing.hasBindings()) {
            throw new BrokerException(BrokerError.PRECONDITION_FAILED,
                    "exchange '" + exchange + "' in use: it has bindings (expected: none)");
        }
        remove(existing);
    }

    void bind(Exchange exchange, Binding binding) {
        if (exchange.bind(binding)) {
            bindingsByQueue.computeIfAbsent(binding.queue(), q -> new LinkedHashSet<>()).add(binding);
            persistence.bound(binding);
        }
    }

    void unbind(Exchange exchange, Binding binding) {
        if (exchange.unbind(binding)) {
            bindingsByQueue.get(binding.queue()).remove(binding);
            persistence.unbound(binding);
            removeIfAbandoned(exchange);
        }
    }

    /** Drops the bindings of a deleted queue, and the auto-delete exchanges left without any. */
    void forgetQueue(String queue) {
        Set<Binding> bindings = bindingsByQueue.remove(queue);
        if (bindings != null) {
            for (Binding binding : bindings) {
                Exchange exchange = exchanges.get(binding.exchange());
                exchange.unbind(binding);
                persistence.unbound(binding);
                removeIfAbandoned(exchange);
            }
        }
    }

    /** The bindings to {@code queue}. */
    List<Binding> bindingsOf(String queue) {
        return List.copyOf(bindingsByQueue.getOrDefault(queue, Set.of()));
    }

    List<Binding> bindings(String exchange) {
        return existing(exchange).bindings();
    }

    static void checkNotReserved(String kind, String name) {
        if (name.startsWith(RESERVED_PREFIX)) {
            throw new BrokerException(BrokerError.ACCESS_REFUSED,
                    kind + " name '" + name + "' starts with the reserved prefix 'amq.'");
        }
    }

    private void add(ExchangeSpec spec) {
        exchanges.put(spec.name(), new Exchange(spec));
    }

    private void removeIfAbandoned(Exchange exchange) {
        if (exchange.abandoned()) {
            remove(exchange);
        }
    }

    private void remove(Exchange exchange) {
        exchanges.remove(exchange.name());
        for (Binding binding : exchange.bindings()) {
            bindingsByQueue.get(binding.queue()).remove(binding);
            persistence.unbound(binding);
        }
        persistence.exchangeDeleted(exchange.name());
    }
}
