package dev.lintas.cli.bench;

import java.time.Duration;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * One validated run of {@code lintas bench mqtt}: where to connect, who publishes what to whom, and for how long.
 * {@link MqttBenchCommand} builds it from the command line and checks every value first.
 *
 * @param ratePerSecond messages per second per publisher; 0 publishes flat out
 * @param inflight      the most unacknowledged QoS 1 or 2 publishes per publisher (lowered to the server's v5
 *                      Receive Maximum when that is smaller)
 * @param count         measured messages per publisher, or 0 to stop on {@code duration} alone
 * @param duration      the measured phase; with a {@code count}, the most it may last
 * @param drainTimeout  how long after the last measured publish to wait for the acknowledgements and deliveries
 *                      still in flight
 * @param persistentSessions whether subscribers connect with a persistent session (3.1.1: clean session off; v5:
 *                      clean start off and a Session Expiry Interval of {@value #PERSISTENT_SESSION_EXPIRY} s), whose
 *                      messages a durable broker keeps on disk
 */
record MqttBenchPlan(String host, int port, MqttVersion version, MqttQoS qos, int publishers, int subscribers,
        TopicLayout layout, String topic, int payloadSize, long ratePerSecond, int inflight, Duration warmup,
        Duration duration, long count, int threads, Duration connectTimeout, Duration drainTimeout, String runId,
        boolean persistentSessions) {

    /** The Session Expiry Interval of a v5 subscriber's persistent session, in seconds. */
    static final int PERSISTENT_SESSION_EXPIRY = 300;

    /** The topic publisher {@code publisher} publishes to. */
    String publishTopic(int publisher) {
        return layout == TopicLayout.SHARED ? topic : topic + "/" + publisher;
    }

    /** The filter subscriber {@code subscriber} subscribes to: a topic name, never a wildcard. */
    String subscription(int subscriber) {
        return layout == TopicLayout.SHARED ? topic : publishTopic(subscriber % publishers);
    }

    /** Whether subscriber {@code subscriber} receives what publisher {@code publisher} sends. */
    boolean receives(int subscriber, int publisher) {
        return layout == TopicLayout.SHARED || subscriber % publishers == publisher;
    }

    String clientId(char role, int index) {
        return "lb-" + runId + "-" + role + index;
    }

    String describe() {
        String v = version == MqttVersion.MQTT_5 ? "5" : "3.1.1";
        String topics = layout == TopicLayout.SHARED ? "one shared topic " + topic
                : "one topic per publisher under " + topic + "/";
        String pace = ratePerSecond == 0 ? "flat out" : ratePerSecond + " msgs/s per publisher";
        String window = qos == MqttQoS.AT_MOST_ONCE ? "" : ", in-flight window " + inflight;
        String length = count > 0 ? count + " msgs per publisher (at most " + seconds(duration) + ")"
                : seconds(duration);
        return host + ":" + port + ", MQTT " + v + ", QoS " + qos.value() + ", " + publishers + " publisher(s) -> "
                + subscribers + " subscriber(s), " + topics + ", " + payloadSize + " B payload, " + pace + window
                + (persistentSessions ? ", persistent subscriber sessions" : "")
                + ", warm-up " + seconds(warmup) + ", measured " + length + ", " + threads + " + " + threads
                + " event loop(s)";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
