package dev.lintas.broker.core;

/**
 * The answer to a queue declare: AMQP's {@code queue.declare-ok}.
 *
 * @param queue the queue's name, generated when the declare left it empty
 * @param messages its ready messages
 * @param consumers its consumers
 */
public record QueueDeclared(String queue, int messages, int consumers) {
}
