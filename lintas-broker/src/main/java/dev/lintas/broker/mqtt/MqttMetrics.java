package dev.lintas.broker.mqtt;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The MQTT adapter's meters, all under {@code lintas.broker.mqtt}: messages received from and sent to clients by QoS
 * (counted here), and gauges read from the broker when the registry is scraped: connections, sessions, queued
 * messages, retained messages and messages lost at queue limits.
 * <p>
 * Thread-safe: the counts are {@link LongAdder}s, bumped from every event loop.
 */
public final class MqttMetrics {

    private static final int QOS_LEVELS = 3;

    private final LongAdder[] received = adders();
    private final LongAdder[] sent = adders();

    private static LongAdder[] adders() {
        LongAdder[] adders = new LongAdder[QOS_LEVELS];
        for (int i = 0; i < QOS_LEVELS; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** A PUBLISH from a client, at {@code qos}. */
    void received(int qos) {
        received[qos].increment();
    }

    /** A PUBLISH to a client, at {@code qos}. */
    void sent(int qos) {
        sent[qos].increment();
    }

    /** The PUBLISH packets received from clients at {@code qos} so far. */
    public long receivedCount(int qos) {
        return received[qos].sum();
    }

    /** The PUBLISH packets sent to clients at {@code qos} so far. */
    public long sentCount(int qos) {
        return sent[qos].sum();
    }

    /** Registers every meter on {@code registry}; returns them, so that they can be removed when the broker stops. */
    public List<Meter> register(MeterRegistry registry, MqttBroker broker) {
        List<Meter> meters = new ArrayList<>();
        for (int qos = 0; qos < QOS_LEVELS; qos++) {
            String tag = Integer.toString(qos);
            meters.add(FunctionCounter.builder("lintas.broker.mqtt.messages.received", received[qos], LongAdder::sum)
                    .description("PUBLISH packets received from MQTT clients").tag("qos", tag).register(registry));
            meters.add(FunctionCounter.builder("lintas.broker.mqtt.messages.sent", sent[qos], LongAdder::sum)
                    .description("PUBLISH packets sent to MQTT clients").tag("qos", tag).register(registry));
        }
        meters.add(gauge(registry, "lintas.broker.mqtt.connections", "MQTT connections that hold a session",
                broker, MqttBroker::connectionsAdmitted));
        meters.add(gauge(registry, "lintas.broker.mqtt.sessions", "MQTT sessions, connected or kept for offline "
                + "clients", broker, MqttBroker::sessionCount));
        meters.add(gauge(registry, "lintas.broker.mqtt.queued", "messages waiting in MQTT session queues, not yet "
                + "sent", broker, MqttBroker::queuedMessages));
        meters.add(gauge(registry, "lintas.broker.mqtt.retained", "retained messages", broker,
                MqttBroker::retainedCount));
        meters.add(FunctionCounter.builder("lintas.broker.mqtt.dropped", broker, MqttBroker::droppedMessages)
                .description("messages MQTT session queues lost at their limits: the oldest dropped (drop-oldest) "
                        + "or the newest refused (reject-new)")
                .register(registry));
        return meters;
    }

    private static Gauge gauge(MeterRegistry registry, String name, String description, MqttBroker broker,
            ToDoubleFunction<MqttBroker> value) {
        return Gauge.builder(name, broker, value).description(description).register(registry);
    }
}
