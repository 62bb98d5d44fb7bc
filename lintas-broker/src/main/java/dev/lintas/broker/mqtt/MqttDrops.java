package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.RemovalReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the messages that MQTT session queues drop at their length limit, and logs the first drop of each session
 * once. It is the host's {@link QueueJournal} (passing every event on to {@code next}), because the journal is where
 * the core reports each removal and its reason.
 * <p>
 * Thread-safe; called under queue locks, so it only counts, and logs at most once per session.
 */
public final class MqttDrops implements QueueJournal {

    private static final Logger log = LoggerFactory.getLogger(MqttDrops.class);

    private final QueueJournal next;
    private final LongAdder dropped = new LongAdder();
    /** Session queues that have logged their first drop; forgotten when the queue is deleted. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public MqttDrops(QueueJournal next) {
        this.next = next;
    }

    @Override
    public void enqueued(String queue, Message message) {
        next.enqueued(queue, message);
    }

    @Override
    public void removed(String queue, Message message, RemovalReason reason) {
        if (reason == RemovalReason.MAXLEN && (queue.startsWith(MqttBroker.SESSION_QUEUE_PREFIX)
                || queue.startsWith(MqttSharedGroups.QUEUE_PREFIX))) {
            dropped.increment();
            if (logged.add(queue)) {
                log.warn("mqtt session queue '{}' is full: dropping its oldest messages (drop-head); logged once "
                        + "per session, counted in lintas.broker.mqtt.dropped", queue);
            }
        }
        next.removed(queue, message, reason);
    }

    /** The messages dropped so far by every session queue. */
    public long count() {
        return dropped.sum();
    }

    void forget(String queue) {
        logged.remove(queue);
    }
}
