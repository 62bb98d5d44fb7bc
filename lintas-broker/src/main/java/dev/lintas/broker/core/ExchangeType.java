package dev.lintas.broker.core;

import java.util.Locale;

/** How an exchange picks queues for a message. */
public enum ExchangeType {
    /** The queues whose binding key equals the routing key. */
    DIRECT,
    /** Every bound queue. */
    FANOUT,
    /** The queues whose binding pattern matches the routing key word by word; see {@link TopicTrie}. */
    TOPIC,
    /** The queues whose binding arguments match the message headers, all or any of them ({@code x-match}). */
    HEADERS;

    /** The type's AMQP name: "direct", "fanout", "topic" or "headers". */
    public String amqpName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named in an exchange declare; an unknown name is a 503 COMMAND_INVALID, as in RabbitMQ. */
    public static ExchangeType of(String amqpName) {
        for (ExchangeType type : values()) {
            if (type.amqpName().equals(amqpName)) {
                return type;
            }
        }
        throw new BrokerException(BrokerError.COMMAND_INVALID,
                "unknown exchange type '" + amqpName + "' (expected: direct, fanout, topic or headers)");
    }

    Router newRouter() {
        return switch (this) {
            case DIRECT -> new DirectRouter();
            case FANOUT -> new FanoutRouter();
            case TOPIC -> new TopicRouter();
            case HEADERS -> new HeadersRouter();
        };
    }
}
