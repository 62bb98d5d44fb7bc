package dev.lintas.runtime.net;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every listener in the process and whether it is bound. The admin listener's {@code /health} answers from here.
 * Thread-safe: listeners are added and removed from any thread, and read from the admin event loop.
 */
public final class Listeners {

    /** One listener: its name, as in config, and the address it is bound to while it is up. */
    public static final class Entry {
        private final String name;
        private volatile InetSocketAddress bound;

        private Entry(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        /** The bound address, or null while the listener is not bound. */
        public InetSocketAddress bound() {
            return bound;
        }

        public boolean isUp() {
            return bound != null;
        }

        public void up(InetSocketAddress address) {
            bound = address;
        }

        public void down() {
            bound = null;
        }
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    public Entry add(String name) {
        Entry entry = new Entry(name);
        entries.add(entry);
        return entry;
    }

    public void remove(Entry entry) {
        entries.remove(entry);
    }

    public List<Entry> all() {
        return List.copyOf(entries);
    }

    public boolean allUp() {
        for (Entry entry : entries) {
            if (!entry.isUp()) {
                return false;
            }
        }
        return true;
    }

    /** The bound address of the listener called {@code name}, or null. */
    public InetSocketAddress address(String name) {
        for (Entry entry : entries) {
            if (entry.name.equals(name)) {
                return entry.bound;
            }
        }
        return null;
    }
}
