package dev.lintas.broker.core;

import java.nio.charset.StandardCharsets;

/** Small helpers to set up a virtual host in tests. */
final class Hosts {

    private Hosts() {
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes a text payload through the default exchange to {@code queue}. */
    static PublishResult send(VirtualHost host, String queue, String payload) {
        return host.publish(host.message(VirtualHost.DEFAULT_EXCHANGE, queue).payload(bytes(payload)).build());
    }

    static Queue declare(VirtualHost host, QueueSpec spec) {
        host.declareQueue(spec, null);
        return host.queue(spec.name(), null);
    }
}
