package dev.lintas.broker.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a queue declare asks for: AMQP's {@code queue.declare} fields. The {@code x-} arguments understood are those of
 * {@link QueueSettings}; others are kept and ignored, as RabbitMQ does.
 *
 * @param name the queue's name; "" asks the broker to generate one
 * @param durable whether the queue survives a restart (once the durable store exists)
 * @param exclusive whether only the declaring connection may use it; it is deleted when that connection closes
 * @param autoDelete whether it is deleted when its last consumer goes, once it has had one
 * @param arguments the optional arguments table
 */
public record QueueSpec(String name, boolean durable, boolean exclusive, boolean autoDelete,
        Map<String, Object> arguments) {

    public QueueSpec {
        Objects.requireNonNull(name, "name");
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /** A non-durable, non-exclusive queue that is not auto-deleted, without arguments. */
    public static QueueSpec named(String name) {
        return new QueueSpec(name, false, false, false, Map.of());
    }

    public QueueSpec asDurable() {
        return new QueueSpec(name, true, exclusive, autoDelete, arguments);
    }

    public QueueSpec asExclusive() {
        return new QueueSpec(name, durable, true, autoDelete, arguments);
    }

    public QueueSpec asAutoDelete() {
        return new QueueSpec(name, durable, exclusive, true, arguments);
    }

    public QueueSpec withArgument(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(arguments);
        more.put(key, value);
        return new QueueSpec(name, durable, exclusive, autoDelete, more);
    }
}
