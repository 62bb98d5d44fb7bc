package dev.lintas.broker.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock in milliseconds that moves only when a test says so. */
final class FakeClock implements LongSupplier {

    private final AtomicLong now = new AtomicLong(1_000_000);

    @Override
    public long getAsLong() {
        return now.get();
    }

    void advance(long millis) {
        now.addAndGet(millis);
    }
}
