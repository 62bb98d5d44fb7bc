package dev.lintas.broker.core;

import java.util.Map;
import java.util.Objects;

/**
 * What the durable store keeps of an MQTT session: enough to bring it back, offline, after a restart.
 *
 * @param clientId the client id
 * @param queue the name of the session's queue
 * @param expiryMillis the session expiry interval, {@link SessionRegistry#NEVER} for never
 * @param subscriptions the subscriptions by filter, as the client wrote them
 */
public record SessionState(String clientId, String queue, long expiryMillis,
        Map<String, SubscriptionOptions> subscriptions) {

    public SessionState {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(queue, "queue");
        subscriptions = Map.copyOf(subscriptions);
    }
}
