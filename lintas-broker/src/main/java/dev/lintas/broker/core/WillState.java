package dev.lintas.broker.core;

import java.util.Map;
import java.util.Objects;

/**
 * An MQTT will that waits for its delay, as the durable store keeps it, so that a restart does not lose it.
 *
 * @param clientId the client whose will it is
 * @param topic the will topic, as the client wrote it
 * @param qos the will QoS
 * @param retain whether the will is retained
 * @param payload the will payload (not copied; not to be modified)
 * @param properties any other will properties the adapter keeps (values of the types a message property may have)
 * @param publishAt when it is due, in milliseconds of the host's clock
 */
public record WillState(String clientId, String topic, int qos, boolean retain, byte[] payload,
        Map<String, Object> properties, long publishAt) {

    public WillState {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        properties = Map.copyOf(properties);
    }
}
