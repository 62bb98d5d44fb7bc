package dev.lintas.broker.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the core tells the durable store: every change to durable state, in the order it happened, and a way to wait
 * until the records made so far are on disk. The core reports every event; the store decides what it keeps (durable,
 * non-exclusive queues and their persistent messages, durable exchanges, bindings between durable ends, retained
 * messages, sessions that outlive their connection) and ignores the rest.
 * <p>
 * Threading: the queue events are called with the queue's lock held, the topology events with the host's lock held,
 * the retained and session events with the retained store's or the registry's lock held. So each object's events
 * arrive in its own order. An implementation must neither block (the store hands records to its writer thread) nor
 * call back into the broker.
 */
public interface Persistence {

    /** Keeps nothing: every wait completes at once. */
    Persistence NONE = new Persistence() {
    };

    /** An already completed wait. */
    CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    // ---- Queue contents.

    /** The message entered the queue at {@code enqueuedAt} (milliseconds, the host's clock). */
    default void enqueued(String queue, Message message, long enqueuedAt) {
    }

    /** The queue handed the message out for the first time, unacknowledged: after a restart it is redelivered. */
    default void delivered(String queue, Message message) {
    }

    /** The message left the queue for good (acknowledged, rejected, expired, dropped, purged or deleted). */
    default void removed(String queue, Message message) {
    }

    // ---- Topology.

    default void exchangeDeclared(ExchangeSpec spec) {
    }

    /** The exchange is gone: deleted, or auto-deleted with its last binding. */
    default void exchangeDeleted(String exchange) {
    }

    default void queueDeclared(QueueSpec spec) {
    }

    /** The queue is gone. Its messages were reported removed before, and its bindings unbound. */
    default void queueDeleted(String queue) {
    }

    default void bound(Binding binding) {
    }

    /** The binding is gone: unbound, or dropped with its queue or its exchange. */
    default void unbound(Binding binding) {
    }

    // ---- MQTT state.

    /** {@code message} is now the retained message of its routing key, since {@code retainedAt}. */
    default void retained(Message message, long retainedAt) {
    }

    /** The topic (a routing key) has no retained message any more. */
    default void retainCleared(String topic) {
    }

    /** The session was created or changed: its expiry or its subscriptions. */
    default void sessionSaved(SessionState session) {
    }

    /** The session ended. */
    default void sessionEnded(String clientId) {
    }

    /** The client's QoS 2 publish with this packet id was received and published; it awaits PUBREL. */
    default void qos2Received(String clientId, int packetId) {
    }

    /** The client released the packet id (PUBREL), or its session ended. */
    default void qos2Released(String clientId, int packetId) {
    }

    /**
     * The broker sent the client a QoS 2 PUBLISH of the persistent message {@code messageId} with this packet id: a
     * re-send after a restart keeps the id, so that the client recognises the duplicate. Superseded by
     * {@link #qos2Sent}, or ended by {@link #qos2Completed}.
     */
    default void qos2Published(String clientId, int packetId, long messageId) {
    }

    /**
     * Like {@link #qos2Published}, for a message sent from a shared subscription's queue ({@link HeldPublish#queue}),
     * which must not go to another member once this client may have it (MQTT 5 4.8.2): should the broker stop before
     * the client answers, the store gives the message back to the session as {@code publish}, held (as
     * {@link #publishHeld} keeps one), and not to that queue. The queue's entry keeps the message's body until then.
     */
    default void sharedQos2Published(HeldPublish publish) {
        qos2Published(publish.clientId(), publish.packetId(), publish.message().id());
    }

    /**
     * The client answered the broker's QoS 2 PUBLISH with this packet id with PUBREC: the message is the client's,
     * and the id awaits PUBCOMP (a reconnect re-sends PUBREL for it, never the PUBLISH).
     */
    default void qos2Sent(String clientId, int packetId) {
    }

    /**
     * The outgoing packet id is free again: the client completed it (PUBCOMP), refused the PUBLISH, or its session
     * ended; or a {@link #qos2Published} send will not be re-sent with it.
     */
    default void qos2Completed(String clientId, int packetId) {
    }

    /**
     * The broker holds an outgoing PUBLISH for the client's next connection ({@link HeldPublish}): a re-send after a
     * restart keeps its packet id. It is called before the message's delivery is acknowledged to the queue it came
     * from, if any; for a retained QoS 2 message, which no queue keeps, as it is sent. It replaces a
     * {@link #qos2Published} record of the same packet id; superseded by {@link #qos2Sent}, or ended by
     * {@link #qos2Completed}.
     */
    default void publishHeld(HeldPublish held) {
    }

    /** The client's will waits for its delay; it replaces any will of that client kept before. */
    default void willPending(WillState will) {
    }

    /** The client's pending will is gone: published, or cancelled by a new connection. */
    default void willDone(String clientId) {
    }

    // ---- Waiting for the disk.

    /**
     * A position in the stream of records, to pass to {@link #durableSince} once the work to cover is done. Take it
     * before the work: a publish takes it, publishes, then waits for {@code durableSince(position)}.
     */
    default long position() {
        return 0;
    }

    /**
     * Completes when every record made since {@code position} (and before this call) is on disk, as the store's fsync
     * setting promises; at once when there is none, or with no store. Completes exceptionally when one of them could
     * not be written (disk full, a write error), so the work must not be acknowledged. Completion runs on the store's
     * completion thread: hand the result to the caller's own thread (an event loop) and do nothing slow in between.
     */
    default CompletionStage<Void> durableSince(long position) {
        return DONE;
    }
}
