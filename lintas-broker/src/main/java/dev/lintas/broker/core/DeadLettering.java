package dev.lintas.broker.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a message is republished to its queue's dead-letter exchange, with RabbitMQ's {@code x-death} header kept small:
 * a list of tables, newest first, one per (queue, reason) pair, each with {@code queue}, {@code reason},
 * {@code count}, {@code exchange}, {@code routing-keys} and, for a message that had its own TTL,
 * {@code original-expiration}. The {@code x-first-death-queue}, {@code -reason} and {@code -exchange} headers record
 * the first death. The TTL is removed, so that the message does not expire again wherever it goes next.
 */
final class DeadLettering {

    static final String X_DEATH = "x-death";

    private DeadLettering() {
    }

    /** The message to publish to the dead-letter exchange of {@code from}, under a new id. */
    static Message letter(Message original, RemovalReason reason, Queue from, long newId) {
        QueueSettings settings = from.settings();
        String routingKey = settings.deadLetterRoutingKey() != null
                ? settings.deadLetterRoutingKey() : original.routingKey();
        Message.Builder builder = original.toBuilder(newId)
                .exchange(settings.deadLetterExchange())
                .routingKey(routingKey)
                .noTtl();

        List<Map<String, Object>> deaths = new ArrayList<>(deaths(original));
        deaths.add(0, death(deaths, original, reason, from.name()));
        builder.header(X_DEATH, List.copyOf(deaths));
        Map<String, Object> headers = builder.headers();
        headers.putIfAbsent("x-first-death-queue", from.name());
        headers.putIfAbsent("x-first-death-reason", reason.deathReason());
        headers.putIfAbsent("x-first-death-exchange", original.exchange());
        return builder.build();
    }

    /** The x-death entry for this death, taken out of {@code deaths} and counted up if the pair died before. */
    private static Map<String, Object> death(List<Map<String, Object>> deaths, Message original,
            RemovalReason reason, String queue) {
        for (int i = 0; i < deaths.size(); i++) {
            Map<String, Object> entry = deaths.get(i);
            if (queue.equals(entry.get("queue")) && reason.deathReason().equals(entry.get("reason"))) {
                Map<String, Object> counted = new LinkedHashMap<>(entry);
                counted.put("count", ((Number) entry.get("count")).longValue() + 1);
                deaths.remove(i);
                return Map.copyOf(counted);
            }
        }
        Map<String, Object> death = new LinkedHashMap<>();
        death.put("queue", queue);
        death.put("reason", reason.deathReason());
        death.put("count", 1L);
        death.put("exchange", original.exchange());
        death.put("routing-keys", List.of(original.routingKey()));
        original.ttlMillis().ifPresent(ttl -> death.put("original-expiration", Long.toString(ttl)));
        return Map.copyOf(death);
    }

    /**
     * Drops from {@code targets} the queues the letter has already died in, when every death was automatic
     * (expired or maxlen): such a cycle would go round forever. A rejection anywhere in the history means a
     * client is involved, and the cycle is allowed, as in RabbitMQ.
     */
    static void breakCycles(Message letter, Set<String> targets) {
        List<Map<String, Object>> deaths = deaths(letter);
        for (Map<String, Object> death : deaths) {
            if (RemovalReason.REJECTED.deathReason().equals(death.get("reason"))) {
                return;
            }
        }
        for (Map<String, Object> death : deaths) {
            targets.remove(death.get("queue"));
        }
    }

    /** The x-death entries of a message; an x-death header of any other shape, set by a client, counts as none. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> deaths(Message message) {
        if (message.headers().get(X_DEATH) instanceof List<?> list) {
            List<Map<String, Object>> deaths = new ArrayList<>(list.size());
            for (Object entry : list) {
                if (entry instanceof Map<?, ?> map && map.get("queue") instanceof String
                        && map.get("reason") instanceof String && map.get("count") instanceof Number) {
                    deaths.add((Map<String, Object>) map);
                }
            }
            return deaths;
        }
        return List.of();
    }
}
