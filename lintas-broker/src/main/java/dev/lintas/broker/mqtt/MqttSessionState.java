package dev.lintas.broker.mqtt;

import java.util.HashSet;
import java.util.Set;

/**
 * What an MQTT session remembers about QoS 2 exchanges beyond one connection, so that a client that resumes its
 * session after a reconnect gets neither a duplicate nor a lost message. {@link MqttBroker} keeps one per session and
 * drops it when the session ends.
 * <p>
 * Incoming: the packet ids of QoS 2 messages that were published to the core and answered with PUBREC, and whose
 * PUBREL has not come yet. A PUBLISH that re-uses one of them is the client re-sending (DUP), and is not published
 * again.
 * <p>
 * Thread-safe: the connection holding the session uses it from its event loop, but during a takeover the connection
 * that is going may still touch it, so every method locks.
 */
final class MqttSessionState {

    private final Set<Integer> awaitingRelease = new HashSet<>();

    /**
     * An incoming QoS 2 PUBLISH with {@code packetId}: returns true if the id is new (publish it, then answer PUBREC),
     * false if it already awaits PUBREL (a re-send: answer PUBREC only).
     */
    synchronized boolean received(int packetId) {
        return awaitingRelease.add(packetId);
    }

    synchronized boolean isAwaitingRelease(int packetId) {
        return awaitingRelease.contains(packetId);
    }

    /** A PUBREL: returns whether the id was awaiting it (PUBCOMP 0x00), or is unknown (v5: 0x92). */
    synchronized boolean released(int packetId) {
        return awaitingRelease.remove(packetId);
    }

    /** How many incoming QoS 2 messages await PUBREL: they count against the broker's Receive Maximum. */
    synchronized int awaitingRelease() {
        return awaitingRelease.size();
    }
}
