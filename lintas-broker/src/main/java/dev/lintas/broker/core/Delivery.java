package dev.lintas.broker.core;

/**
 * One hand-over of a message from a queue to a consumer.
 *
 * @param tag identifies the delivery within its queue, for {@link Subscription#ack}; increasing in the order the
 *        queue hands messages out. Protocol adapters map it to their own identifiers (an AMQP channel's delivery
 *        tags, MQTT packet ids).
 * @param consumerTag the tag of the subscription it went to; "" for {@link Subscription#get}
 * @param queue the queue it came from
 * @param message the shared message
 * @param deliveryCount how many times this queue has handed the message out, this time included
 * @param expiresAtMillis when the message expires in this queue, or {@link Long#MAX_VALUE}; an MQTT adapter derives
 *        the remaining message expiry interval from it
 */
public record Delivery(long tag, String consumerTag, String queue, Message message, int deliveryCount,
        long expiresAtMillis) {

    /** Whether the message was handed out before and came back: AMQP's redelivered flag. */
    public boolean redelivered() {
        return deliveryCount > 1;
    }
}
