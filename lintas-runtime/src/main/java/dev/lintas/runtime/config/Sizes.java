package dev.lintas.runtime.config;

/**
 * Byte sizes as written in config: a whole number with an optional unit, {@code B}, {@code KiB}, {@code MiB} or
 * {@code GiB}, or the word {@code unlimited}.
 */
public final class Sizes {

    private Sizes() {
    }

    /** The size in bytes, or null when the text is not one. */
    public static Long parse(String text) {
        if (text.equals("unlimited")) {
            return Long.MAX_VALUE;
        }
        NumberWithUnit written = NumberWithUnit.split(text);
        if (written == null) {
            return null;
        }
        long amount = written.amount();
        long scale = switch (written.unit().trim()) {
            case "", "B" -> 1L;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> -1L;
        };
        if (scale < 0 || amount > Long.MAX_VALUE / scale) {
            return null;
        }
        return amount * scale;
    }
}
