package dev.lintas.runtime.config;

import java.time.Duration;

/**
 * Durations as written in config: a whole number and a unit, {@code ms}, {@code s}, {@code m} or {@code h}.
 * {@code 0} alone is accepted and means zero.
 */
public final class Durations {

    private Durations() {
    }

    /** The duration, or null when the text is not one. */
    public static Duration parse(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        NumberWithUnit written = NumberWithUnit.split(text);
        if (written == null) {
            return null;
        }
        long amount = written.amount();
        return switch (written.unit()) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> null;
        };
    }

    /** The shortest way to write {@code duration} in config form. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
