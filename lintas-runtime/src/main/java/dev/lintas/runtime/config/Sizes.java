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
        int unitStart = 0;
        while (unitStart < text.length() && Character.isDigit(text.charAt(unitStart))) {
            unitStart++;
        }
        if (unitStart == 0 || unitStart > 12) {
            return null;
        }
        long amount = Long.parseLong(text.substring(0, unitStart));
        long scale = switch (text.substring(unitStart).trim()) {
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
