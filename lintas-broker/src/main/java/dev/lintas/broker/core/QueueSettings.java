package dev.lintas.broker.core;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The queue arguments the core acts on, parsed and checked once at declare. Two declares of one queue are equivalent
 * when these are equal, whatever the arguments' integer widths.
 *
 * @param messageTtl {@code x-message-ttl}: milliseconds a message may wait in the queue, or -1
 * @param deadLetterExchange {@code x-dead-letter-exchange}, or null
 * @param deadLetterRoutingKey {@code x-dead-letter-routing-key}, or null to keep the message's own
 * @param maxLength {@code x-max-length}: the most ready messages, or -1
 * @param maxLengthBytes {@code x-max-length-bytes}: the most ready payload bytes, or -1
 * @param overflow {@code x-overflow}: what a publish past the limits does
 */
public record QueueSettings(long messageTtl, String deadLetterExchange, String deadLetterRoutingKey, long maxLength,
        long maxLengthBytes, Overflow overflow) {

    static final String MESSAGE_TTL = "x-message-ttl";
    static final String DEAD_LETTER_EXCHANGE = "x-dead-letter-exchange";
    static final String DEAD_LETTER_ROUTING_KEY = "x-dead-letter-routing-key";
    static final String MAX_LENGTH = "x-max-length";
    static final String MAX_LENGTH_BYTES = "x-max-length-bytes";
    static final String OVERFLOW = "x-overflow";

    /** The settings of a queue without arguments. */
    static final QueueSettings NONE = new QueueSettings(-1, null, null, -1, -1, Overflow.DROP_HEAD);

    /** Parses the arguments of a declare of {@code queue}; an invalid one is a 406 PRECONDITION_FAILED. */
    static QueueSettings parse(String queue, Map<String, Object> arguments) {
        String deadLetterExchange = string(queue, arguments, DEAD_LETTER_EXCHANGE);
        String deadLetterRoutingKey = string(queue, arguments, DEAD_LETTER_ROUTING_KEY);
        if (deadLetterRoutingKey != null && deadLetterExchange == null) {
            throw new BrokerException(BrokerError.PRECONDITION_FAILED, "invalid arg '" + DEAD_LETTER_ROUTING_KEY
                    + "' for queue '" + queue + "': it requires " + DEAD_LETTER_EXCHANGE);
        }
        String overflowName = string(queue, arguments, OVERFLOW);
        Overflow overflow = overflowName == null ? Overflow.DROP_HEAD : Overflow.of(overflowName);
        if (overflow == null) {
            throw invalid(queue, OVERFLOW, overflowName, "drop-head, reject-publish or reject-publish-dlx");
        }
        return new QueueSettings(count(queue, arguments, MESSAGE_TTL), deadLetterExchange, deadLetterRoutingKey,
                count(queue, arguments, MAX_LENGTH), count(queue, arguments, MAX_LENGTH_BYTES), overflow);
    }

    /** Throws 406 naming the first setting in which {@code declared} differs from these, the current ones. */
    void checkEquivalent(String queue, QueueSettings declared) {
        checkSame(queue, MESSAGE_TTL, declared.messageTtl, messageTtl);
        checkSame(queue, DEAD_LETTER_EXCHANGE, declared.deadLetterExchange, deadLetterExchange);
        checkSame(queue, DEAD_LETTER_ROUTING_KEY, declared.deadLetterRoutingKey, deadLetterRoutingKey);
        checkSame(queue, MAX_LENGTH, declared.maxLength, maxLength);
        checkSame(queue, MAX_LENGTH_BYTES, declared.maxLengthBytes, maxLengthBytes);
        checkSame(queue, OVERFLOW, declared.overflow.argument(), overflow.argument());
    }

    /** Whether a queue holding this many ready messages and payload bytes is past its limits. */
    boolean overLimit(int messages, long bytes) {
        return (maxLength >= 0 && messages > maxLength) || (maxLengthBytes >= 0 && bytes > maxLengthBytes);
    }

    /** When {@code message}, entering the queue at {@code now}, expires: the lower of the two TTLs applies. */
    long expiresAt(Message message, long now) {
        long ttl = messageTtl;
        long own = message.ttlMillis().orElse(-1);
        if (own >= 0 && (ttl < 0 || own < ttl)) {
            ttl = own;
        }
        return ttl < 0 || now > Long.MAX_VALUE - ttl ? Long.MAX_VALUE : now + ttl;
    }

    static void checkSame(String queue, String what, Object received, Object current) {
        if (!Objects.equals(received, current)) {
            throw new BrokerException(BrokerError.PRECONDITION_FAILED, "inequivalent arg '" + what + "' for queue '"
                    + queue + "': received " + shown(received) + " but current is " + shown(current));
        }
    }

    private static String shown(Object value) {
        return value == null || value.equals(-1L) ? "none" : "'" + value + "'";
    }

    private static long count(String queue, Map<String, Object> arguments, String key) {
        Object value = arguments.get(key);
        if (value == null) {
            return -1;
        }
        if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)
                || ((Number) value).longValue() < 0) {
            throw invalid(queue, key, value, "a non-negative integer");
        }
        return ((Number) value).longValue();
    }

    private static String string(String queue, Map<String, Object> arguments, String key) {
        Object value = arguments.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof String text) {
            return text;
        }
        throw invalid(queue, key, value, "a string");
    }

    private static BrokerException invalid(String queue, String key, Object value, String expected) {
        return new BrokerException(BrokerError.PRECONDITION_FAILED,
                "invalid arg '" + key + "' for queue '" + queue + "': " + value + " (expected: " + expected + ")");
    }
}
