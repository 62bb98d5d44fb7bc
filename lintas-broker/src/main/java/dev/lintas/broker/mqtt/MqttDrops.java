package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.RemovalReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Counts the messages that MQTT session queues lose at their limits, and logs the first loss of each session once:
 * the oldest dropped (drop-oldest) or the newest refused (reject-new). It is the host's {@link QueueJournal} (passing
 * every event on to {@code next}), because the journal is where the core reports each removal and refusal. For the same
 * reason it tells {@link MqttBroker} of every message that leaves a session queue ({@link #watchSessionQueues}).
 * <p>
 * Thread-safe; called under queue locks, so it only counts, and logs at most once per session.
 */
public final class MqttDrops implements QueueJournal {

    private static final Logger log = LoggerFactory.getLogger(MqttDrops.class);

    private final QueueJournal next;
    private final LongAdder dropped = new LongAdder();
    /** Session queues that have logged their first drop; forgotten when the queue is deleted. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    /** Told of every message that leaves a session queue for good; set once, by the broker on this journal. */
    private volatile BiConsumer<String, Message> leftSessionQueue = (queue, message) -> { };

    public MqttDrops(QueueJournal next) {
        this.next = next;
    }

    @Override
    public void enqueued(String queue, Message message) {
        next.enqueued(queue, message);
    }

    @Override
    public void removed(String queue, Message message, RemovalReason reason) {
        if (reason == RemovalReason.MAXLEN) {
            lost(queue, "dropping its oldest messages (drop-oldest)");
        }
        if (queue.startsWith(MqttBroker.SESSION_QUEUE_PREFIX)) {
            leftSessionQueue.accept(queue, message);
        }
        next.removed(queue, message, reason);
    }

    @Override
    public void refused(String queue, Message message) {
        lost(queue, "refusing new messages (reject-new)");
        next.refused(queue, message);
    }

    private void lost(String queue, String what) {
        boolean session = queue.startsWith(MqttBroker.SESSION_QUEUE_PREFIX);
        if (session || queue.startsWith(MqttSharedGroups.QUEUE_PREFIX)) {
            dropped.increment();
            if (logged.add(queue)) {
                log.warn("mqtt {} queue '{}' is full: {}; logged once per queue, counted in "
                        + "lintas.broker.mqtt.dropped", session ? "session" : "shared subscription", queue, what);
            }
        }
    }

    /** The messages lost so far by every session queue, dropped or refused. */
    public long count() {
        return dropped.sum();
    }

    /**
     * Calls {@code watcher} with the queue and the message each time a message leaves a session queue for good (any
     * {@link RemovalReason}), under that queue's lock: it must be quick and must not call back into the core.
     */
    void watchSessionQueues(BiConsumer<String, Message> watcher) {
        leftSessionQueue = watcher;
    }

    void forget(String queue) {
        logged.remove(queue);
    }
}
