package dev.lintas.broker.mqtt;

import static dev.lintas.broker.mqtt.RawMqttClient.PINGRESP;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBACK;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBCOMP;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBLISH;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREC;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREL;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability promise through MQTT, across {@code kill -9}: a broker runs in a child JVM ({@link MqttCrashBroker});
 * a HiveMQ client publishes QoS 1 and QoS 2 messages to a persistent session whose client is offline, and records
 * what the broker acknowledged (a QoS 2 publish once HiveMQ completes it, after PUBREC and PUBCOMP); the child is
 * killed (SIGKILL) after a random number of acknowledgements, while publishes are in flight. A new child starts on
 * the same data-dir, and the subscriber resumes its session and drains it: every acknowledged message must be there,
 * and no QoS 2 message may come twice, in this round or any other.
 */
class MqttCrashTest {

    /** Four rounds keep this near 15 seconds; {@code -Dlintas.mqtt.crash.rounds=100} runs a longer soak. */
    private static final int ROUNDS = Integer.getInteger("lintas.mqtt.crash.rounds", 4);
    private static final String SUBSCRIBER = "crash-sub";

    @TempDir
    Path dataDir;

    /** Acknowledged to the publisher and not yet received by the subscriber. */
    private final Set<String> outstanding = ConcurrentHashMap.newKeySet();
    /** Every QoS 2 message the subscriber received, over all rounds. */
    private final Set<String> qos2Received = new HashSet<>();

    /** The child broker running now, killed after the test whatever happened, so that none outlives it. */
    private Child child;

    @AfterEach
    void killChild() {
        if (child != null && child.alive()) {
            child.kill();
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesKillNineAndQos2ComesOnce() throws Exception {
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        child = Child.start(dataDir);
        try (RawMqttClient sub = RawMqttClient.connect(child.port, SUBSCRIBER, true, true, 3600, 0)) {
            assertThat(sub.subscribeAndWait(1, "crash/#", 2)).isEqualTo(2);
        }
        for (int round = 0; round < ROUNDS; round++) {
            String where = "seed " + seed + ", round " + round;
            if (round > 0) {
                child = Child.start(dataDir);
                drainAndCheck(child.port, where);
            }
            int acked = load(child, round, 50 + random.nextInt(600));
            assertThat(acked).as("%s: the broker died before it was killed", where).isPositive();
        }
        child = Child.start(dataDir);
        drainAndCheck(child.port, "seed " + seed + ", after the last round");
    }

    /**
     * Publishes QoS 1 and 2 messages, up to 64 in flight, and kills the child once {@code killAfter} were
     * acknowledged; returns how many were.
     */
    private int load(Child child, int round, int killAfter) throws Exception {
        Mqtt5AsyncClient publisher = MqttClient.builder().useMqttVersion5().identifier("crash-pub-" + round)
                .serverHost("127.0.0.1").serverPort(child.port).buildAsync();
        publisher.connect().get(10, TimeUnit.SECONDS);
        Semaphore window = new Semaphore(64);
        AtomicInteger acked = new AtomicInteger();
        for (int seq = 0; child.alive() && seq < 1_000_000; seq++) {
            if (!window.tryAcquire(10, TimeUnit.SECONDS)) {
                break; // Nothing comes back any more: the broker is gone.
            }
            int qos = seq % 2 + 1;
            String payload = "q" + qos + "-r" + round + "-" + seq;
            publisher.publishWith().topic("crash/" + qos).qos(MqttQos.fromCode(qos))
                    .payload(payload.getBytes(StandardCharsets.UTF_8)).send()
                    .whenComplete((result, failure) -> {
                        window.release();
                        if (failure == null && result.getError().isEmpty()) {
                            outstanding.add(payload);
                            if (acked.incrementAndGet() == killAfter) {
                                child.process().destroyForcibly(); // SIGKILL, with publishes in flight
                            }
                        }
                    });
        }
        child.kill();
        publisher.disconnect().exceptionally(e -> null);
        return acked.get();
    }

    /** Resumes the subscriber's session and reads until a marker published now comes, checking what came before. */
    private void drainAndCheck(int port, String where) throws Exception {
        try (RawMqttClient sub = RawMqttClient.connect(port, SUBSCRIBER, true, false, 3600, 0)) {
            assertThat(sub.sessionPresent()).as("%s: session present", where).isTrue();
            // At QoS 2, like the messages it must come after: a QoS 2 PUBLISH waits for its packet id to be on
            // disk, so a QoS 1 marker could pass the last of them on a busy machine, as MQTT allows across QoS levels.
            String markerPayload = "marker, " + where;
            try (RawMqttClient marker = RawMqttClient.connect(port, "crash-marker", true, true, 0, 0)) {
                marker.publish("crash/marker", 2, 1, false, markerPayload);
                assertThat(marker.read().type()).isEqualTo(PUBREC);
                marker.reply(PUBREL, 1);
                assertThat(marker.read().type()).isEqualTo(PUBCOMP);
            }
            Set<String> received = new HashSet<>();
            boolean markerCame = false;
            while (true) {
                RawMqttClient.Packet packet = sub.read();
                if (packet.type() == PUBREL) {
                    sub.reply(PUBCOMP, packet.packetId());
                    continue;
                }
                if (packet.type() == PINGRESP) {
                    break; // The broker has read every answer sent before the PINGREQ.
                }
                assertThat(packet.type()).isEqualTo(PUBLISH);
                assertThat(markerCame).as("%s: a message after the marker", where).isFalse();
                String payload = packet.payload(true);
                if (packet.qos() == 2) {
                    sub.reply(PUBREC, packet.publishId());
                    assertThat(qos2Received.add(payload)).as("%s: QoS 2 message %s came twice", where, payload)
                            .isTrue();
                } else {
                    sub.reply(PUBACK, packet.publishId());
                }
                if (payload.equals(markerPayload)) {
                    markerCame = true;
                    sub.ping(); // So that the session's exchanges are complete before it goes offline.
                    continue;
                }
                received.add(payload);
            }
            assertThat(received).as("%s: acknowledged messages lost", where).containsAll(outstanding);
            outstanding.removeAll(received);
        }
    }

    /** A broker in a child JVM. */
    private record Child(Process process, int port) {

        static Child start(Path dataDir) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    MqttCrashBroker.class.getName(), dataDir.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> { // Reads all it prints, so that it never blocks on a full pipe.
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("PORT ")) {
                            port.complete(Integer.parseInt(line.substring(5)));
                        }
                    }
                } catch (Exception e) {
                    // The child was killed.
                }
                port.completeExceptionally(new IllegalStateException("the child broker ended before it started"));
            });
            try {
                return new Child(process, port.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                process.destroyForcibly();
                throw e;
            }
        }

        boolean alive() {
            return process.isAlive();
        }

        /** SIGKILL, and waits until it is gone. */
        void kill() {
            process.destroyForcibly();
            try {
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
