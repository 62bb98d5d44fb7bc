package dev.lintas.broker.store;

import dev.lintas.runtime.config.Durations;

import java.time.Duration;
import java.util.Objects;

/**
 * When the store calls fsync, as {@code broker.store.fsync} says: {@code always} (before anything written is reported
 * durable), {@code every <duration>} (at most that long after a write; a write is reported durable once the
 * operating system has it), or {@code never} (the operating system decides).
 *
 * @param mode which of the three
 * @param interval for {@link Mode#EVERY}, the longest time between a write and its fsync; zero otherwise
 */
public record FsyncPolicy(Mode mode, Duration interval) {

    /** The three settings. */
    public enum Mode { ALWAYS, EVERY, NEVER }

    /** The default, and the only setting that keeps the durability promise across power loss. */
    public static final FsyncPolicy ALWAYS = new FsyncPolicy(Mode.ALWAYS, Duration.ZERO);
    public static final FsyncPolicy NEVER = new FsyncPolicy(Mode.NEVER, Duration.ZERO);

    public FsyncPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(interval, "interval");
        if (mode == Mode.EVERY && (interval.isNegative() || interval.isZero())) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
    }

    public static FsyncPolicy every(Duration interval) {
        return new FsyncPolicy(Mode.EVERY, interval);
    }

    /** Reads {@code always}, {@code never} or {@code every <duration>}; null for anything else. */
    public static FsyncPolicy parse(String text) {
        String trimmed = text.trim();
        if (trimmed.equals("always")) {
            return ALWAYS;
        }
        if (trimmed.equals("never")) {
            return NEVER;
        }
        if (trimmed.startsWith("every ")) {
            Duration interval = Durations.parse(trimmed.substring("every ".length()).trim());
            return interval == null || interval.isZero() ? null : every(interval);
        }
        return null;
    }

    /** Whether this promises less than {@link #ALWAYS}: an acknowledged message may be lost on power loss. */
    public boolean weaker() {
        return mode != Mode.ALWAYS;
    }

    /** What an acknowledgement promises with this setting, for the log line at start. */
    public String promise() {
        return switch (mode) {
            case ALWAYS -> "acknowledged messages are fsynced first and survive a crash or power loss";
            case EVERY -> "acknowledged messages survive a crash of the process, but the last "
                    + Durations.format(interval) + " of them may be lost on power loss";
            case NEVER -> "acknowledged messages survive a crash of the process, but may be lost on power loss "
                    + "(the operating system decides when they reach the disk)";
        };
    }

    @Override
    public String toString() {
        return mode == Mode.EVERY ? "every " + Durations.format(interval) : mode.name().toLowerCase();
    }
}
