package dev.lintas.broker.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A route from an exchange to a queue. Two bindings are the same binding when all of their fields are equal, as in
 * AMQP, where the arguments are part of a binding's identity.
 *
 * @param exchange the source exchange
 * @param queue the destination queue
 * @param key the binding key: a routing key for a direct exchange, a pattern for a topic exchange, unused by fanout
 *        and headers exchanges
 * @param arguments for a headers exchange, the headers to match and {@code x-match}
 * @param dollarProtected on a topic exchange, whether a key that starts with a wildcard skips routing keys that start
 *        with '$' (MQTT's rule, set by the MQTT adapter)
 */
public record Binding(String exchange, String queue, String key, Map<String, Object> arguments,
        boolean dollarProtected) {

    public Binding {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(key, "key");
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    public static Binding of(String exchange, String queue, String key) {
        return new Binding(exchange, queue, key, Map.of(), false);
    }

    /** The same binding with these arguments; a null value (AMQP's void) is allowed. */
    public Binding withArguments(Map<String, ?> arguments) {
        return new Binding(exchange, queue, key, new LinkedHashMap<>(arguments), dollarProtected);
    }

    public Binding asDollarProtected() {
        return new Binding(exchange, queue, key, arguments, true);
    }
}
