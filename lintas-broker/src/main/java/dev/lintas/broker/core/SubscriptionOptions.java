package dev.lintas.broker.core;

/**
 * How an MQTT session subscribed to one filter, kept with the session so that a resumed session delivers as before.
 *
 * @param qos the maximum QoS granted, 0 to 2
 * @param noLocal whether messages this client published are not delivered back to it (MQTT 5)
 * @param retainAsPublished whether forwarded messages keep their retain flag (MQTT 5)
 * @param retainHandling when retained messages are sent: 0 at subscribe, 1 at subscribe if new, 2 never (MQTT 5)
 * @param subscriptionId the subscription identifier to send with matching messages, or 0 for none (MQTT 5)
 */
public record SubscriptionOptions(int qos, boolean noLocal, boolean retainAsPublished, int retainHandling,
        int subscriptionId) {

    public SubscriptionOptions {
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos: " + qos + " (expected: 0, 1 or 2)");
        }
        if (retainHandling < 0 || retainHandling > 2) {
            throw new IllegalArgumentException("retainHandling: " + retainHandling + " (expected: 0, 1 or 2)");
        }
        if (subscriptionId < 0) {
            throw new IllegalArgumentException("subscriptionId: " + subscriptionId + " (expected: >= 0)");
        }
    }

    /** The MQTT 3.1.1 options: just a QoS. */
    public static SubscriptionOptions qos(int qos) {
        return new SubscriptionOptions(qos, false, false, 0, 0);
    }
}
