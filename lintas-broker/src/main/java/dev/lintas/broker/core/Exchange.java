package dev.lintas.broker.core;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A named exchange: its declared properties, its bindings and the router of its type. Publishers route under the
 * read lock, concurrently; binding changes take the write lock. The host's lock is taken before this one, and no
 * queue lock is taken while this one is held.
 */
final class Exchange {

    private final ExchangeSpec spec;
    private final Router router;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    // Guarded by lock.
    private final Set<Binding> bindings = new LinkedHashSet<>();
    private boolean hadBinding;

    Exchange(ExchangeSpec spec) {
        this.spec = spec;
        this.router = spec.type().newRouter();
    }

    String name() {
        return spec.name();
    }

    ExchangeSpec spec() {
        return spec;
    }

    /** Adds the names of the queues that {@code message} goes to. */
    void route(Message message, Set<String> queues) {
        lock.readLock().lock();
        try {
            router.route(message, queues);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Adds a binding; returns false if the exchange had it already. */
    boolean bind(Binding binding) {
        lock.writeLock().lock();
        try {
            if (bindings.contains(binding)) {
                return false;
            }
            router.add(binding);
            bindings.add(binding);
            hadBinding = true;
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes a binding; returns false if the exchange did not have it. */
    boolean unbind(Binding binding) {
        lock.writeLock().lock();
        try {
            if (!bindings.remove(binding)) {
                return false;
            }
            router.remove(binding);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    List<Binding> bindings() {
        lock.readLock().lock();
        try {
            return List.copyOf(bindings);
        } finally {
            lock.readLock().unlock();
        }
    }

    boolean hasBindings() {
        lock.readLock().lock();
        try {
            return !bindings.isEmpty();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether an auto-delete exchange has lost its last binding and should go. */
    boolean abandoned() {
        lock.readLock().lock();
        try {
            return spec.autoDelete() && hadBinding && bindings.isEmpty();
        } finally {
            lock.readLock().unlock();
        }
    }
}
