package dev.lintas.broker.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an exchange declare asks for: AMQP's {@code exchange.declare} fields. No exchange argument changes behaviour
 * yet; they are kept and, as in RabbitMQ for the ones it does not know, take no part in equivalence.
 *
 * @param name the exchange's name
 * @param type how it routes
 * @param durable whether it survives a restart (once the durable store exists)
 * @param autoDelete whether it is deleted when its last binding goes, once it has had one
 * @param internal whether clients may not publish to it directly, only other exchanges or dead-lettering
 * @param arguments the optional arguments table
 */
public record ExchangeSpec(String name, ExchangeType type, boolean durable, boolean autoDelete, boolean internal,
        Map<String, Object> arguments) {

    public ExchangeSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /** A non-durable exchange that is neither auto-deleted nor internal. */
    public static ExchangeSpec of(String name, ExchangeType type) {
        return new ExchangeSpec(name, type, false, false, false, Map.of());
    }

    public ExchangeSpec asDurable() {
        return new ExchangeSpec(name, type, true, autoDelete, internal, arguments);
    }

    public ExchangeSpec asAutoDelete() {
        return new ExchangeSpec(name, type, durable, true, internal, arguments);
    }

    public ExchangeSpec asInternal() {
        return new ExchangeSpec(name, type, durable, autoDelete, true, arguments);
    }

    /** Throws 406 naming the first property in which {@code declared} differs from this, the current one. */
    void checkEquivalent(ExchangeSpec declared) {
        checkSame("type", declared.type.amqpName(), type.amqpName());
        checkSame("durable", declared.durable, durable);
        checkSame("auto_delete", declared.autoDelete, autoDelete);
        checkSame("internal", declared.internal, internal);
    }

    private void checkSame(String what, Object received, Object current) {
        if (!received.equals(current)) {
            throw new BrokerException(BrokerError.PRECONDITION_FAILED, "inequivalent arg '" + what + "' for exchange '"
                    + name + "': received '" + received + "' but current is '" + current + "'");
        }
    }
}
