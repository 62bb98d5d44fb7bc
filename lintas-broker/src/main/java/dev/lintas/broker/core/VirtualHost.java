package dev.lintas.broker.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The broker's namespace of exchanges, queues and bindings, and the operations that AMQP 0-9-1 clients and the MQTT
 * adapter perform on it. Declares are idempotent and check equivalence; refusals are {@link BrokerException}s with
 * AMQP reply codes. Operations that act for a client take its connection id (null when no connection is involved),
 * which decides access to exclusive queues.
 * <p>
 * Threading and lock order: declares, deletes and binding changes hold this host's lock, then may take an exchange's
 * write lock, then a queue's lock, always in that order. Publishing takes no host lock: it reads the exchange and
 * queue maps (concurrent), routes under the exchange's read lock, releases it, and then enqueues in each queue in
 * turn, one queue lock at a time. No lock is held while a consumer is called or a dead letter is published.
 */
public final class VirtualHost {

    /** The nameless exchange that routes to the queue named by the routing key. */
    public static final String DEFAULT_EXCHANGE = "";

    private final String name;
    private final LongSupplier clock;
    private final QueueJournal journal;
    private final Persistence persistence;
    private final AtomicLong lastMessageId = new AtomicLong();
    private final Object lock = new Object();
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    private final Topology topology;

    /**
     * @param clock the current time in milliseconds, for TTLs
     * @param journal observes every enqueue and removal, for the durable store
     */
    public VirtualHost(String name, LongSupplier clock, QueueJournal journal) {
        this(name, clock, journal, Persistence.NONE);
    }

    /**
     * @param clock the current time in milliseconds, for TTLs
     * @param journal observes every enqueue and removal, for metrics and limits
     * @param persistence the durable store, told of every change to durable state
     */
    public VirtualHost(String name, LongSupplier clock, QueueJournal journal, Persistence persistence) {
        this.name = name;
        this.clock = clock;
        this.journal = journal;
        this.persistence = persistence;
        this.topology = new Topology(name, persistence);
    }

    public String name() {
        return name;
    }

    /** A builder for a new message with a fresh id. */
    public Message.Builder message(String exchange, String routingKey) {
        return Message.builder(lastMessageId.incrementAndGet(), exchange, routingKey);
    }

    Persistence persistence() {
        return persistence;
    }

    // ---- Exchanges.

    public void declareExchange(ExchangeSpec spec) {
        checkNotDefault(spec.name());
        synchronized (lock) {
            topology.declare(spec);
        }
    }

    /** A passive declare: 404 unless the exchange exists. */
    public void checkExchange(String exchange) {
        if (!exchange.equals(DEFAULT_EXCHANGE)) {
            topology.existing(exchange);
        }
    }

    /** Deletes an exchange and its bindings; deleting one that does not exist succeeds, as in RabbitMQ. */
    public void deleteExchange(String exchange, boolean ifUnused) {
        checkNotDefault(exchange);
        synchronized (lock) {
            topology.delete(exchange, ifUnused);
        }
    }

    // ---- Queues.

    /** Declares a queue, or checks that the existing one is equivalent; an empty name gets a generated one. */
    public QueueDeclared declareQueue(QueueSpec spec, String connection) {
        if (spec.exclusive() && connection == null) {
            throw new IllegalArgumentException("connection: null (expected: the owner of exclusive queue '"
                    + spec.name() + "')");
        }
        String queue = spec.name().isEmpty() ? "amq.gen-" + UUID.randomUUID() : spec.name();
        QueueSettings settings = QueueSettings.parse(queue, spec.arguments());
        synchronized (lock) {
            Queue existing = queues.get(queue);
            if (existing != null) {
                checkAccess(existing, connection);
                QueueSettings.checkSame(queue, "durable", spec.durable(), existing.spec().durable());
                QueueSettings.checkSame(queue, "exclusive", spec.exclusive(), existing.spec().exclusive());
                QueueSettings.checkSame(queue, "auto_delete", spec.autoDelete(), existing.spec().autoDelete());
                existing.settings().checkEquivalent(queue, settings);
                return declared(existing);
            }
            if (!spec.name().isEmpty()) {
                Topology.checkNotReserved("queue", queue);
            }
            String owner = spec.exclusive() ? connection : null;
            queues.put(queue, new Queue(queue, spec, settings, owner, this, clock, journal));
            persistence.queueDeclared(spec.name().isEmpty() ? new QueueSpec(queue, spec.durable(), spec.exclusive(),
                    spec.autoDelete(), spec.arguments()) : spec);
            return new QueueDeclared(queue, 0, 0);
        }
    }

    /**
     * Makes an existing queue durable from now on, as if it had been declared so: the store keeps it, its bindings,
     * and the persistent messages that enter it from now; those already in it stay in memory only. Does nothing to a
     * queue that is durable already; 404 if there is none. For MQTT, whose session may gain an expiry interval when a
     * connection resumes it.
     */
    public void makeDurable(String queue) {
        synchronized (lock) {
            Queue existing = queue(queue, null);
            if (!existing.spec().durable()) {
                existing.makeDurable();
                topology.bindingsOf(queue).forEach(persistence::bound);
            }
        }
    }

    /** A passive declare: the queue's counts, or 404, or 405 if it is another connection's exclusive queue. */
    public QueueDeclared checkQueue(String queue, String connection) {
        return declared(queue(queue, connection));
    }

    /** The queue, to consume from; 404 if it does not exist, 405 if it is another connection's exclusive queue. */
    public Queue queue(String queue, String connection) {
        Queue existing = queues.get(queue);
        if (existing == null) {
            throw new BrokerException(BrokerError.NOT_FOUND, "no queue '" + queue + "' in vhost '" + name + "'");
        }
        checkAccess(existing, connection);
        return existing;
    }

    public List<String> queueNames() {
        return List.copyOf(queues.keySet());
    }

    /** Deletes a queue with its bindings and returns its ready message count; a missing queue counts 0. */
    public int deleteQueue(String queue, boolean ifUnused, boolean ifEmpty, String connection) {
        Queue.Deleted deleted;
        synchronized (lock) {
            Queue existing = queues.get(queue);
            if (existing == null) {
                return 0;
            }
            checkAccess(existing, connection);
            deleted = existing.markDeleted(ifUnused, ifEmpty);
            forget(existing);
        }
        Queue.notifyCancelled(deleted);
        return deleted.messages();
    }

    /** Removes the ready messages of a queue and returns how many; unacknowledged ones stay. */
    public int purgeQueue(String queue, String connection) {
        return queue(queue, connection).purge();
    }

    /** Deletes the exclusive queues of a connection that closed. */
    public void connectionClosed(String connection) {
        List<Queue.Deleted> deleted = new ArrayList<>();
        synchronized (lock) {
            for (Queue queue : List.copyOf(queues.values())) {
                if (connection.equals(queue.owner())) {
                    deleted.add(queue.markDeleted(false, false));
                    forget(queue);
                }
            }
        }
        deleted.forEach(Queue::notifyCancelled);
    }

    /** Drops or dead-letters the expired messages at the head of every queue; a timer calls it. */
    public void expireMessages() {
        queues.values().forEach(Queue::expire);
    }

    // ---- Bindings.

    /** Binds a queue to an exchange; binding twice is one binding. */
    public void bind(Binding binding, String connection) {
        synchronized (lock) {
            topology.bind(bindable(binding, connection), binding);
        }
    }

    /** Removes a binding; removing one that does not exist succeeds, as in RabbitMQ. */
    public void unbind(Binding binding, String connection) {
        synchronized (lock) {
            topology.unbind(bindable(binding, connection), binding);
        }
    }

    /** The bindings whose source is {@code exchange}. */
    public List<Binding> bindings(String exchange) {
        return topology.bindings(exchange);
    }

    // ---- Publishing.

    /**
     * Routes a message to the queues its exchange picks and enqueues it in each of them, the same object in all.
     * 404 if the exchange does not exist, 403 if it is internal.
     */
    public PublishResult publish(Message message) {
        Set<String> targets = new HashSet<>();
        if (message.exchange().equals(DEFAULT_EXCHANGE)) {
            targets.add(message.routingKey());
        } else {
            Exchange exchange = topology.existing(message.exchange());
            if (exchange.spec().internal()) {
                throw new BrokerException(BrokerError.ACCESS_REFUSED,
                        "exchange '" + message.exchange() + "' is internal (expected: a publish from an exchange)");
            }
            exchange.route(message, targets);
        }
        return enqueue(message, targets);
    }

    /**
     * Publishes as {@link #publish} does, and also returns when the publish is durable: the moment a publisher may be
     * acknowledged (an MQTT PUBACK or PUBREC, an AMQP confirm). It completes at once without a durable store, or when
     * nothing durable was touched (a message that is not persistent, or that reached no durable queue).
     */
    public DurablePublish publishDurably(Message message) {
        long position = persistence.position();
        PublishResult result = publish(message);
        return new DurablePublish(result, persistence.durableSince(position));
    }

    /** The store's position now, for {@link #durableSince}; see {@link Persistence#position()}. */
    public long durablePosition() {
        return persistence.position();
    }

    /**
     * Completes when every change made since {@code position} is durable, or exceptionally when the store could not
     * write one; for work that spans more than one publish, such as a retained publish or QoS 2 state.
     */
    public CompletionStage<Void> durableSince(long position) {
        return persistence.durableSince(position);
    }

    // ---- Recovery.

    /**
     * Puts a recovered message back at the tail of {@code queue}, bypassing routing, the journal and the store. For the
     * durable store's recovery only, before any consumer or publisher is attached.
     */
    public void restoreMessage(String queue, Message message, int deliveries, long enqueuedAt) {
        queue(queue, null).restore(message, deliveries, enqueuedAt);
        restoreMessageIds(message.id());
    }

    /** Makes new message ids start after {@code lastId}, so that they never repeat a recovered one. */
    public void restoreMessageIds(long lastId) {
        lastMessageId.accumulateAndGet(lastId, Math::max);
    }

    /** Republishes what {@code from} dead-lettered; called by the queue with no lock held. */
    void deadLetter(Queue from, List<Removals.DeadLetter> letters) {
        String target = from.settings().deadLetterExchange();
        Exchange exchange = target.equals(DEFAULT_EXCHANGE) ? null : topology.find(target);
        if (exchange == null && !target.equals(DEFAULT_EXCHANGE)) {
            return; // a dead-letter exchange that does not exist drops the message, as in RabbitMQ
        }
        for (Removals.DeadLetter letter : letters) {
            Message dead = DeadLettering.letter(letter.message(), letter.reason(), from,
                    lastMessageId.incrementAndGet());
            Set<String> targets = new HashSet<>();
            if (exchange == null) {
                targets.add(dead.routingKey());
            } else {
                exchange.route(dead, targets);
            }
            DeadLettering.breakCycles(dead, targets);
            enqueue(dead, targets);
        }
    }

    /** Deletes an auto-delete queue whose last consumer left, unless one came back meanwhile. */
    void autoDelete(Queue queue) {
        Queue.Deleted deleted;
        synchronized (lock) {
            if (queues.get(queue.name()) != queue || !queue.abandoned()) {
                return;
            }
            deleted = queue.markDeleted(false, false);
            forget(queue);
        }
        Queue.notifyCancelled(deleted);
    }

    private PublishResult enqueue(Message message, Set<String> targets) {
        int routed = 0;
        int rejected = 0;
        for (String target : targets) {
            Queue queue = queues.get(target);
            if (queue != null) {
                switch (queue.enqueue(message)) {
                    case ACCEPTED -> routed++;
                    case REJECTED -> rejected++;
                    case GONE -> { }
                }
            }
        }
        return new PublishResult(routed, rejected);
    }

    // ---- Helpers.

    private void forget(Queue queue) {
        queues.remove(queue.name());
        topology.forgetQueue(queue.name());
        persistence.queueDeleted(queue.name());
    }

    private Exchange bindable(Binding binding, String connection) {
        checkNotDefault(binding.exchange());
        Exchange exchange = topology.existing(binding.exchange());
        queue(binding.queue(), connection);
        return exchange;
    }

    private static QueueDeclared declared(Queue queue) {
        QueueStats stats = queue.stats();
        return new QueueDeclared(queue.name(), stats.ready(), stats.consumers());
    }

    private static void checkAccess(Queue queue, String connection) {
        if (queue.owner() != null && !queue.owner().equals(connection)) {
            throw new BrokerException(BrokerError.RESOURCE_LOCKED,
                    "queue '" + queue.name() + "' is exclusive to another connection");
        }
    }

    private static void checkNotDefault(String exchange) {
        if (exchange.equals(DEFAULT_EXCHANGE)) {
            throw new BrokerException(BrokerError.ACCESS_REFUSED, "operation not permitted on the default exchange");
        }
    }
}
