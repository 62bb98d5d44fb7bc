package dev.lintas.cli.bench;

/**
 * The packet ids of one publisher's unacknowledged QoS 1 and 2 publishes, at most {@code window} at a time. Ids are
 * handed out in turn from 1 to 65535, skipping any still in use, since a server may acknowledge out of order.
 * Event loop only.
 */
final class PacketIds {

    private static final int MAX_ID = 65_535;

    private final boolean[] used = new boolean[MAX_ID + 1];
    private int window;
    private int inUse;
    private int last;

    PacketIds(int window) {
        limit(window);
    }

    /** Lowers or sets the window, between 1 and 65535. */
    void limit(int window) {
        if (window < 1 || window > MAX_ID) {
            throw new IllegalArgumentException("window: " + window + " (expected: 1 to " + MAX_ID + ")");
        }
        this.window = window;
    }

    int window() {
        return window;
    }

    boolean full() {
        return inUse >= window;
    }

    int inUse() {
        return inUse;
    }

    /** A free id; call only when not {@link #full()}. At most 65535 steps, since fewer ids than that are in use. */
    int take() {
        if (full()) {
            throw new IllegalStateException("window full: " + inUse + " of " + window + " in use");
        }
        for (int step = 0; step < MAX_ID; step++) {
            last = last == MAX_ID ? 1 : last + 1;
            if (!used[last]) {
                used[last] = true;
                inUse++;
                return last;
            }
        }
        throw new IllegalStateException("no free packet id with " + inUse + " in use");
    }

    /** Frees {@code id}; false when it was not in use (an acknowledgement the server should not have sent). */
    boolean release(int id) {
        if (id < 1 || id > MAX_ID || !used[id]) {
            return false;
        }
        used[id] = false;
        inUse--;
        return true;
    }

    boolean inUse(int id) {
        return id >= 1 && id <= MAX_ID && used[id];
    }
}
