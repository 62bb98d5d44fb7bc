package dev.lintas.broker.core;

import java.util.ArrayList;
import java.util.List;

/** Keeps every delivery it gets, and whether the broker cancelled it. */
final class RecordingConsumer implements Consumer {

    private final List<Delivery> deliveries = new ArrayList<>();
    private volatile boolean cancelled;

    @Override
    public synchronized void deliver(Delivery delivery) {
        deliveries.add(delivery);
    }

    @Override
    public void cancelled() {
        cancelled = true;
    }

    synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    synchronized Delivery last() {
        return deliveries.get(deliveries.size() - 1);
    }

    /** The payloads delivered, as strings, in order. */
    synchronized List<String> payloads() {
        return deliveries.stream().map(d -> new String(d.message().payload())).toList();
    }

    synchronized int count() {
        return deliveries.size();
    }

    boolean wasCancelled() {
        return cancelled;
    }
}
