package dev.lintas.cli.bench;

/** How publishers and subscribers meet on topics. */
enum TopicLayout {
    /**
     * Publisher {@code i} publishes to {@code PREFIX/i}, and subscriber {@code j} subscribes to the topic of publisher
     * {@code j mod publishers}: with as many subscribers as publishers these are independent 1-to-1 pairs, and with
     * one publisher every subscriber gets its messages (fan-out).
     */
    PER_PUBLISHER("per-publisher"),
    /** Everyone publishes to and subscribes to {@code PREFIX}: N-to-1 fan-in, 1-to-N fan-out, or N-to-M. */
    SHARED("shared");

    private final String option;

    TopicLayout(String option) {
        this.option = option;
    }

    String option() {
        return option;
    }

    /** The layout named {@code text} on the command line, or null. */
    static TopicLayout parse(String text) {
        for (TopicLayout layout : values()) {
            if (layout.option.equals(text)) {
                return layout;
            }
        }
        return null;
    }
}
