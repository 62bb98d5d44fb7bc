package dev.lintas.broker.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Routes by the message's headers against each binding's arguments, as RabbitMQ's headers exchange does.
 * {@code x-match} is {@code all} (the default: every argument must match) or {@code any} (one suffices); arguments
 * whose names start with {@code x-} take no part, unless {@code x-match} is {@code all-with-x} or {@code any-with-x}.
 * An argument whose value is null (AMQP's void) matches any header of that name; otherwise the values must be equal,
 * integers of any width comparing by value and strings equal to their UTF-8 bytes. A binding with nothing to match
 * routes everything under {@code all} and nothing under {@code any}. Every publish scans every binding.
 */
final class HeadersRouter implements Router {

    private static final String X_MATCH = "x-match";

    private record Matcher(boolean all, Map<String, Object> wanted) {
    }

    private final Map<Binding, Matcher> bindings = new LinkedHashMap<>();

    @Override
    public void add(Binding binding) {
        bindings.put(binding, matcher(binding));
    }

    @Override
    public void remove(Binding binding) {
        bindings.remove(binding);
    }

    @Override
    public void route(Message message, Set<String> queues) {
        Map<String, Object> headers = message.headers();
        bindings.forEach((binding, matcher) -> {
            if (!queues.contains(binding.queue()) && matches(matcher, headers)) {
                queues.add(binding.queue());
            }
        });
    }

    private static Matcher matcher(Binding binding) {
        Object mode = binding.arguments().get(X_MATCH);
        String name = mode == null ? "all"
                : mode instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : mode.toString();
        boolean all = name.startsWith("all");
        boolean withX = name.endsWith("-with-x");
        if (!Set.of("all", "any", "all-with-x", "any-with-x").contains(name)) {
            throw new BrokerException(BrokerError.PRECONDITION_FAILED, "invalid x-match '" + name + "' binding '"
                    + binding.queue() + "' to '" + binding.exchange()
                    + "' (expected: all, any, all-with-x or any-with-x)");
        }
        Map<String, Object> wanted = new LinkedHashMap<>();
        binding.arguments().forEach((key, value) -> {
            if (!key.equals(X_MATCH) && (withX || !key.startsWith("x-"))) {
                wanted.put(key, value);
            }
        });
        return new Matcher(all, wanted);
    }

    private static boolean matches(Matcher matcher, Map<String, Object> headers) {
        if (matcher.wanted.isEmpty()) {
            return matcher.all;
        }
        for (Map.Entry<String, Object> entry : matcher.wanted.entrySet()) {
            boolean match = headers.containsKey(entry.getKey())
                    && (entry.getValue() == null || same(entry.getValue(), headers.get(entry.getKey())));
            if (match != matcher.all) {
                return match; // all: the first miss decides; any: the first hit does
            }
        }
        return matcher.all;
    }

    static boolean same(Object wanted, Object actual) {
        if (isInteger(wanted) && isInteger(actual)) {
            return ((Number) wanted).longValue() == ((Number) actual).longValue();
        }
        if (wanted instanceof byte[] || actual instanceof byte[]) {
            return Arrays.equals(bytes(wanted), bytes(actual));
        }
        return Objects.equals(wanted, actual);
    }

    private static boolean isInteger(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    private static byte[] bytes(Object value) {
        return value instanceof byte[] bytes ? bytes
                : value instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : null;
    }
}
