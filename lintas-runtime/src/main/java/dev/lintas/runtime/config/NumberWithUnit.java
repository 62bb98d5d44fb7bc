package dev.lintas.runtime.config;

/**
 * A config value split into its leading whole number and the text after it, as {@link Durations} and
 * {@link Sizes} read them: {@code 500ms} is 500 and {@code ms}, {@code 32 KiB} is 32 and {@code " KiB"}.
 */
record NumberWithUnit(long amount, String unit) {

    /** At most this many digits, so that the amount always fits a long with room to scale it. */
    private static final int MAX_DIGITS = 12;

    /** The number and unit of {@code text}, or null when it does not start with 1 to 12 digits. */
    static NumberWithUnit split(String text) {
        int unitStart = 0;
        while (unitStart < text.length() && Character.isDigit(text.charAt(unitStart))) {
            unitStart++;
        }
        if (unitStart == 0 || unitStart > MAX_DIGITS) {
            return null;
        }
        return new NumberWithUnit(Long.parseLong(text.substring(0, unitStart)), text.substring(unitStart));
    }
}
