package dev.lintas.broker.core;

/**
 * Translates MQTT topic names and filters to the core's routing and binding keys, and routing keys back to MQTT topic
 * names, so that MQTT and AMQP clients meet on one topic exchange.
 * <p>
 * Levels become words: '/' becomes '.', a '+' level becomes '*', a '#' level stays '#'. Inside a level, the three
 * characters that would mean something else to the core are escaped with '%' and two hex digits: '.' as %2E, '*' as
 * %2A and '%' itself as %25. So {@code sensors/v1.2/+} becomes {@code sensors.v1%2E2.*}, and MQTT's literal level
 * {@code *} cannot turn into a wildcard. The translation is reversible: {@link #toMqttTopic} undoes
 * {@link #toRoutingKey} exactly. A routing key that an AMQP client chose may have no MQTT form (an empty key, a raw
 * '/', '+', '#' or '*', a '%' not followed by one of the three escapes); {@code toMqttTopic} returns null for it and
 * the adapter does not deliver it to MQTT subscribers.
 * <p>
 * Validation is the MQTT adapter's job; these methods only refuse what they cannot translate.
 */
public final class MqttTopics {

    private MqttTopics() {
    }

    /** The routing key of an MQTT topic name; wildcards are not allowed in a topic name. */
    public static String toRoutingKey(String topic) {
        if (topic.isEmpty() || topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            throw new IllegalArgumentException("topic: '" + topic + "' (expected: a non-empty name without + or #)");
        }
        return translate(topic, false);
    }

    /** The binding key of an MQTT topic filter: '+' a whole level, '#' a whole last level. */
    public static String toBindingKey(String filter) {
        if (filter.isEmpty()) {
            throw new IllegalArgumentException("filter: '' (expected: a non-empty topic filter)");
        }
        return translate(filter, true);
    }

    /** The MQTT topic name of a routing key, or null if it has none. */
    public static String toMqttTopic(String routingKey) {
        if (routingKey.isEmpty()) {
            return null;
        }
        StringBuilder topic = new StringBuilder(routingKey.length());
        for (int i = 0; i < routingKey.length(); i++) {
            char c = routingKey.charAt(i);
            switch (c) {
                case '.' -> topic.append('/');
                case '/', '+', '#', '*' -> {
                    return null;
                }
                case '%' -> {
                    char unescaped = unescape(routingKey, i);
                    if (unescaped == 0) {
                        return null;
                    }
                    topic.append(unescaped);
                    i += 2;
                }
                default -> topic.append(c);
            }
        }
        return topic.toString();
    }

    private static String translate(String mqtt, boolean filter) {
        StringBuilder key = new StringBuilder(mqtt.length() + 8);
        int start = 0;
        while (true) {
            int slash = mqtt.indexOf('/', start);
            int end = slash < 0 ? mqtt.length() : slash;
            String level = mqtt.substring(start, end);
            if (filter && level.equals("+")) {
                key.append('*');
            } else if (filter && level.equals("#")) {
                if (slash >= 0) {
                    throw invalidFilter(mqtt);
                }
                key.append('#');
            } else {
                if (level.indexOf('+') >= 0 || level.indexOf('#') >= 0) {
                    throw invalidFilter(mqtt);
                }
                escape(level, key);
            }
            if (slash < 0) {
                return key.toString();
            }
            key.append('.');
            start = slash + 1;
        }
    }

    private static void escape(String level, StringBuilder key) {
        for (int i = 0; i < level.length(); i++) {
            char c = level.charAt(i);
            switch (c) {
                case '.' -> key.append("%2E");
                case '*' -> key.append("%2A");
                case '%' -> key.append("%25");
                default -> key.append(c);
            }
        }
    }

    /** The character escaped at {@code at}, or 0 if what follows the '%' is not one of the three escapes. */
    private static char unescape(String key, int at) {
        if (at + 3 > key.length()) {
            return 0;
        }
        return switch (key.substring(at + 1, at + 3)) {
            case "2E" -> '.';
            case "2A" -> '*';
            case "25" -> '%';
            default -> 0;
        };
    }

    private static IllegalArgumentException invalidFilter(String filter) {
        return new IllegalArgumentException(
                "filter: '" + filter + "' (expected: + and # only as whole levels, and # only last)");
    }
}
