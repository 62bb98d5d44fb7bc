package dev.lintas.broker.core;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FIFO of messages with consumers, acknowledgements, TTL, a length limit and dead-lettering, as AMQP 0-9-1 and
 * RabbitMQ define them. Declared, found and deleted through its {@link VirtualHost}.
 * <p>
 * Threading: one lock guards all of the queue's state, and every operation holds it briefly. Under the lock an
 * operation also dispatches: it picks which consumer gets which ready message and puts the delivery in the
 * {@link Outbox}. Consumers are called only after the lock is released, by one draining thread at a time, so they see
 * the queue's order and may call back into the broker without deadlock. Dead letters are published after the lock is
 * released too, so a queue never holds its lock while it touches another queue.
 */
public final class Queue {

    private static final Logger log = LoggerFactory.getLogger(Queue.class);

    /** How a settlement ends an unacknowledged delivery. */
    enum Outcome { ACK, REQUEUE, REJECT }

    /** What an enqueue did. */
    enum Enqueued { ACCEPTED, REJECTED, GONE }

    /** What a delete removed: the ready message count, and the consumers to tell once no lock is held. */
    record Deleted(int messages, List<Subscription> cancelled) {
    }

    private final String name;
    /** Replaced only by {@link #makeDurable}, under the host's lock and this queue's. */
    private volatile QueueSpec spec;
    private final QueueSettings settings;
    private final String owner;
    private final VirtualHost host;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Outbox outbox = new Outbox(lock);

    // Guarded by lock.
    private final ReadyMessages ready = new ReadyMessages();
    private final ConsumerRing consumers = new ConsumerRing();
    private final Outstanding outstanding = new Outstanding();
    private final Removals removals;
    private long nextSeq;
    private boolean deleted;

    Queue(String name, QueueSpec spec, QueueSettings settings, String owner, VirtualHost host, LongSupplier clock,
            QueueJournal journal) {
        this.name = name;
        this.spec = spec;
        this.settings = settings;
        this.owner = owner;
        this.host = host;
        this.clock = clock;
        this.removals = new Removals(name, settings, journal, host.persistence());
    }

    public String name() {
        return name;
    }

    public QueueSpec spec() {
        return spec;
    }

    public QueueSettings settings() {
        return settings;
    }

    /**
     * Makes the queue durable from now on and tells the store, under this queue's lock, so that every enqueue after
     * it is kept. Called with the host's lock held (host, then queue).
     */
    void makeDurable() {
        lock.lock();
        try {
            spec = spec.asDurable();
            host.persistence().queueDeclared(spec);
        } finally {
            lock.unlock();
        }
    }

    /** The connection an exclusive queue belongs to, or null. */
    String owner() {
        return owner;
    }

    /** Starts delivering to {@code consumer}; see {@link Consumer} for the threading contract. */
    public Subscription consume(Consumer consumer, ConsumeOptions options) {
        Subscription subscription = new Subscription(this, consumer, options);
        lock.lock();
        try {
            checkLive();
            consumers.add(subscription, name);
            outstanding.register(subscription);
            dispatch(clock.getAsLong());
        } finally {
            release();
        }
        return subscription;
    }

    /** A subscription that only takes messages with {@link Subscription#get} and does not count as a consumer. */
    public Subscription getter() {
        Subscription subscription = new Subscription(this, null, new ConsumeOptions("", false, 0, false));
        lock.lock();
        try {
            checkLive();
            outstanding.register(subscription);
        } finally {
            lock.unlock();
        }
        return subscription;
    }

    public QueueStats stats() {
        return read(() -> new QueueStats(ready.size(), outstanding.count(), consumers.size(), ready.bytes()));
    }

    Enqueued enqueue(Message message) {
        lock.lock();
        try {
            if (deleted) {
                return Enqueued.GONE;
            }
            long now = clock.getAsLong();
            dropExpired(now);
            // A message that a waiting consumer takes at once never counts against the limits.
            if (settings.overflow() != Overflow.DROP_HEAD
                    && settings.overLimit(ready.size() + 1, ready.bytes() + message.size())
                    && !(ready.isEmpty() && consumers.next(false) != null)) {
                removals.refused(message);
                if (settings.overflow() == Overflow.REJECT_PUBLISH_DLX) {
                    removals.deadLetter(message, RemovalReason.MAXLEN);
                }
                return Enqueued.REJECTED;
            }
            ready.add(new QueuedMessage(message, nextSeq++, settings.expiresAt(message, now)));
            removals.enqueued(message, now);
            dispatch(now);
            return Enqueued.ACCEPTED;
        } finally {
            release();
        }
    }

    /**
     * Puts back a message the durable store recovered, behind those restored before it, without telling the journal
     * or the store. Its time to live counts from {@code enqueuedAt}; {@code deliveries} above 0 makes it redelivered.
     */
    void restore(Message message, int deliveries, long enqueuedAt) {
        lock.lock();
        try {
            checkLive();
            QueuedMessage restored = new QueuedMessage(message, nextSeq++, settings.expiresAt(message, enqueuedAt));
            restored.deliveries = deliveries;
            ready.add(restored);
        } finally {
            lock.unlock();
        }
    }

    /** Drops or dead-letters the expired messages at the head of the queue; a timer calls it. */
    void expire() {
        lock.lock();
        try {
            dropExpired(clock.getAsLong());
        } finally {
            release();
        }
    }

    int purge() {
        lock.lock();
        try {
            List<QueuedMessage> purged = ready.clear();
            purged.forEach(message -> removals.removed(message, RemovalReason.PURGED));
            return purged.size();
        } finally {
            release();
        }
    }

    Optional<Delivery> get(Subscription subscription, boolean autoAck) {
        lock.lock();
        try {
            if (deleted || !subscription.state.receives()) {
                return Optional.empty();
            }
            dropExpired(clock.getAsLong());
            QueuedMessage head = ready.poll();
            return head == null ? Optional.empty() : Optional.of(handOut(subscription, head, autoAck));
        } finally {
            release();
        }
    }

    void settle(Subscription subscription, long deliveryTag, boolean multiple, Outcome outcome) {
        lock.lock();
        try {
            if (deleted) {
                return; // the deliveries went with the queue
            }
            for (QueuedMessage message : outstanding.settle(subscription, deliveryTag, multiple)) {
                switch (outcome) {
                    case ACK -> removals.removed(message, RemovalReason.ACKED);
                    case REJECT -> removals.removed(message, RemovalReason.REJECTED);
                    case REQUEUE -> ready.requeue(message);
                }
            }
            dispatch(clock.getAsLong());
        } finally {
            release();
        }
    }

    /** Acknowledges several deliveries, each by its own tag; see {@link Subscription#ackEach}. */
    void settleEach(Subscription subscription, long[] deliveryTags, int count) {
        lock.lock();
        try {
            if (deleted) {
                return;
            }
            for (QueuedMessage message : outstanding.settle(subscription, deliveryTags, count)) {
                removals.removed(message, RemovalReason.ACKED);
            }
            dispatch(clock.getAsLong());
        } finally {
            release();
        }
    }

    void pause(Subscription subscription, boolean paused) {
        lock.lock();
        try {
            subscription.paused = paused;
            dispatch(clock.getAsLong());
        } finally {
            release();
        }
    }

    void cancel(Subscription subscription, boolean requeue) {
        boolean autoDelete = false;
        lock.lock();
        try {
            if (subscription.state == Subscription.State.CLOSED) {
                return;
            }
            if (subscription.state == Subscription.State.ACTIVE && consumers.remove(subscription)) {
                autoDelete = spec.autoDelete() && consumers.abandoned() && !deleted;
            }
            subscription.state = Subscription.State.CANCELLED;
            if (requeue) {
                outstanding.close(subscription).forEach(ready::requeue);
                dispatch(clock.getAsLong());
            }
        } finally {
            release();
        }
        if (autoDelete) {
            host.autoDelete(this);
        }
    }

    int unackedCount(Subscription subscription) {
        return read(subscription.unacked::size);
    }

    /**
     * Marks the queue deleted if the conditions hold, dropping its messages. The host then removes its bindings and,
     * with no lock held, calls {@link #notifyCancelled}. Called with the host's lock held (host, then queue).
     */
    Deleted markDeleted(boolean ifUnused, boolean ifEmpty) {
        lock.lock();
        try {
            if (deleted) {
                return new Deleted(0, List.of());
            }
            if (ifUnused && consumers.size() > 0) {
                throw new BrokerException(BrokerError.PRECONDITION_FAILED,
                        "queue '" + name + "' in use: " + consumers.size() + " consumers (expected: none)");
            }
            if (ifEmpty && !ready.isEmpty()) {
                throw new BrokerException(BrokerError.PRECONDITION_FAILED,
                        "queue '" + name + "' not empty: " + ready.size() + " messages (expected: none)");
            }
            deleted = true;
            int count = ready.size();
            ready.clear().forEach(message -> removals.removed(message, RemovalReason.QUEUE_DELETED));
            outstanding.closeAll().forEach(message -> removals.removed(message, RemovalReason.QUEUE_DELETED));
            outbox.clear();
            return new Deleted(count, consumers.clear());
        } finally {
            lock.unlock();
        }
    }

    /** Whether an auto-delete queue still qualifies for deletion: no consumer came back meanwhile. */
    boolean abandoned() {
        return read(consumers::abandoned);
    }

    /** Tells the consumers of a deleted queue that they were cancelled. Called without any lock held. */
    static void notifyCancelled(Deleted deleted) {
        for (Subscription subscription : deleted.cancelled()) {
            try {
                subscription.consumer.cancelled();
            } catch (RuntimeException e) {
                log.warn("consumer '{}' of queue '{}' failed on cancel", subscription.tag(), subscription.queue(), e);
            }
        }
    }

    private <T> T read(Supplier<T> reader) {
        lock.lock();
        try {
            return reader.get();
        } finally {
            lock.unlock();
        }
    }

    // ---- Under the lock.

    private void checkLive() {
        if (deleted) {
            throw new BrokerException(BrokerError.NOT_FOUND, "no queue '" + name + "' (it was deleted)");
        }
    }

    /**
     * Hands ready messages to consumers with room until either runs out, dropping expired ones on the way, then
     * enforces drop-head: only ready messages count against the limits, so a consumer that takes a message in time
     * saves it.
     */
    private void dispatch(long now) {
        for (QueuedMessage head = ready.peek(); head != null; head = ready.peek()) {
            if (head.expired(now)) {
                removals.removed(ready.poll(), RemovalReason.EXPIRED);
                continue;
            }
            Subscription next = consumers.next(true);
            if (next == null) {
                break;
            }
            ready.poll();
            outbox.add(next.consumer, handOut(next, head, next.options.autoAck()));
        }
        if (settings.overflow() == Overflow.DROP_HEAD) {
            while (settings.overLimit(ready.size(), ready.bytes())) {
                removals.removed(ready.poll(), RemovalReason.MAXLEN);
            }
        }
    }

    private Delivery handOut(Subscription subscription, QueuedMessage message, boolean autoAck) {
        Delivery delivery = outstanding.handOut(subscription, message, name, autoAck);
        if (autoAck) {
            removals.removed(message, RemovalReason.ACKED);
        } else {
            removals.delivered(message);
        }
        return delivery;
    }

    private void dropExpired(long now) {
        for (QueuedMessage head = ready.peek(); head != null && head.expired(now); head = ready.peek()) {
            removals.removed(ready.poll(), RemovalReason.EXPIRED);
        }
    }

    /** Unlocks, then hands out the outbox and publishes the dead letters, with no lock held. */
    private void release() {
        List<Removals.DeadLetter> dead = removals.takeDeadLetters();
        boolean deliver = !outbox.isEmpty();
        lock.unlock();
        if (deliver) {
            outbox.drain();
        }
        if (!dead.isEmpty()) {
            host.deadLetter(this, dead);
        }
    }

    @Override
    public String toString() {
        return "Queue[" + name + "]";
    }
}
