package dev.lintas.broker.core;

import java.util.Set;

/**
 * The matching rule of one exchange type, over that exchange's bindings. Not thread-safe: the {@link Exchange} guards
 * it, routing under its read lock and changing bindings under its write lock.
 */
sealed interface Router permits DirectRouter, FanoutRouter, TopicRouter, HeadersRouter {

    /** Adds a binding the exchange does not have yet; may refuse invalid arguments with a {@link BrokerException}. */
    void add(Binding binding);

    /** Removes a binding the exchange has. */
    void remove(Binding binding);

    /** Adds the names of the queues that {@code message} goes to. */
    void route(Message message, Set<String> queues);
}
