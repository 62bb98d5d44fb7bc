package dev.lintas.broker.mqtt;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The QoS 1 and 2 PUBLISH packets of one connection that wait for room under the client's Receive Maximum, in order.
 * The Receive Maximum counts a QoS 2 message until PUBCOMP while the core's prefetch lets it go at PUBREC, and
 * retained messages and held re-sends come from no window at all, so a PUBLISH can find the window full. Bounded by
 * the delivery window plus what a SUBSCRIBE's retained messages and the session's held messages bring. Their core
 * deliveries stay unacknowledged, so they go back to their queues if the connection ends.
 * <p>
 * Event loop only.
 */
final class MqttParked {

    /** A waiting PUBLISH: what {@link MqttHandler} was asked to write (packet id -1 for a new one), and its DUP flag. */
    record Publish(MqttInFlight.Outgoing publish, boolean dup) {
    }

    private final ArrayDeque<Publish> waiting = new ArrayDeque<>();
    /** True while {@link #replay} writes the head, which must not queue behind itself. */
    private boolean replaying;

    /** Whether a QoS 1 or 2 PUBLISH must wait: the window is {@code full}, or others wait before it. */
    boolean mustWait(boolean full) {
        return full || !waiting.isEmpty() && !replaying;
    }

    void park(MqttInFlight.Outgoing publish, boolean dup) {
        waiting.add(new Publish(publish, dup));
    }

    /** Hands the waiting PUBLISH packets to {@code write}, in order, while {@code room} says; whether it wrote any. */
    boolean replay(BooleanSupplier room, Consumer<Publish> write) {
        boolean wrote = false;
        while (!waiting.isEmpty() && room.getAsBoolean()) {
            replaying = true;
            try {
                write.accept(waiting.poll());
            } finally {
                replaying = false;
            }
            wrote = true;
        }
        return wrote;
    }

    /**
     * The connection ended: a held re-send that was waiting (no core delivery, a packet id to keep) is held by the
     * session again; the others are dropped, and their deliveries go back to their queues with the subscriptions.
     */
    void connectionEnded(MqttSessionState session) {
        for (Publish parked : waiting) {
            if (parked.publish().tag() < 0 && parked.publish().packetId() > 0) {
                session.hold(parked.publish());
            }
        }
        waiting.clear();
    }
}
