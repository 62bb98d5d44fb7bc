package dev.lintas.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.RetainedStore;
import dev.lintas.broker.core.SessionRegistry;
import dev.lintas.broker.core.Subscription;
import dev.lintas.broker.core.VirtualHost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged means durable, across {@code kill -9}: a child JVM ({@link CrashLoad}) publishes through the store
 * and is killed at a random moment (after a random number of acknowledgements); the store is then opened here, and
 * every message acknowledged and not consumed must be there, once. So must every QoS 2 packet id acknowledged and not
 * released (and no released one), and each retained topic must hold its last acknowledged message or a later one.
 * Many short rounds on the same directory, so each round also recovers what the crashes before it left, compactions
 * included.
 */
class CrashTest {

    /** Eight rounds keep CI near half a minute; {@code -Dlintas.crash.rounds=200} runs a longer soak. */
    private static final int ROUNDS = Integer.getInteger("lintas.crash.rounds", 8);

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedMessageSurvivesKillNine() throws Exception {
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        Set<String> outstanding = new HashSet<>(); // acknowledged, not consumed: must be in the queue
        Set<Integer> awaitingRelease = new HashSet<>(); // acknowledged, release not acknowledged
        Set<Integer> released = new HashSet<>(); // release acknowledged
        Map<String, long[]> lastRetained = new HashMap<>(); // topic: the (round, seq) last acknowledged
        for (int round = 0; round < ROUNDS; round++) {
            int killAfter = 100 + random.nextInt(1500);
            Child child = runChildUntil(round, killAfter);
            outstanding.addAll(child.acked);
            outstanding.removeAll(child.taken);
            awaitingRelease.addAll(child.qos2);
            awaitingRelease.removeAll(child.releasing); // released or not: either is right after a crash
            released.addAll(child.released);
            child.retained.forEach((topic, body) -> lastRetained.merge(topic, order(body),
                    (a, b) -> compare(a, b) >= 0 ? a : b));

            Recovered recovered = recover();
            String where = "seed " + seed + ", round " + round;
            assertThat(new HashSet<>(recovered.queued)).as("%s: acknowledged messages lost", where)
                    .containsAll(outstanding);
            assertThat(recovered.queued).as("%s: duplicates", where).doesNotHaveDuplicates();
            assertThat(recovered.awaitingRelease).as("%s: QoS 2 ids", where).containsAll(awaitingRelease);
            // Not doesNotContainAnyElementsOf, which refuses an empty set: a round killed before any release has one.
            assertThat(Collections.disjoint(recovered.awaitingRelease, released))
                    .as("%s: released QoS 2 ids back (%s)", where, recovered.awaitingRelease).isTrue();
            lastRetained.forEach((topic, last) -> assertThat(recovered.retained).as("%s: retained %s", where, topic)
                    .containsKey(topic)
                    .satisfies(all -> assertThat(compare(order(all.get(topic)), last)).isGreaterThanOrEqualTo(0)));
        }
    }

    /** What one child printed. */
    private static final class Child {
        final Set<String> acked = new HashSet<>();
        final Set<String> taken = new HashSet<>();
        final Set<Integer> qos2 = new HashSet<>();
        final Set<Integer> releasing = new HashSet<>();
        final Set<Integer> released = new HashSet<>();
        final Map<String, String> retained = new HashMap<>();
    }

    /** What a restart found. */
    private record Recovered(List<String> queued, Set<Integer> awaitingRelease, Map<String, String> retained) {
    }

    /** A retained body {@code r<round>-<seq>} as (round, seq). */
    private static long[] order(String body) {
        String[] parts = body.substring(1).split("-");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }

    private static int compare(long[] a, long[] b) {
        return a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]);
    }

    /** Runs the child, reads what it prints until {@code killAfter} acknowledgements, then kills it (SIGKILL). */
    private Child runChildUntil(int round, int killAfter) throws Exception {
        Child seen = new Child();
        Set<String> acked = seen.acked;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashLoad.class.getName(), dir.toString(), String.valueOf(round))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(line.substring(4));
                    if (acked.size() == killAfter) {
                        // SIGKILL, without closing our end: lines printed before it are still read
                        child.toHandle().destroyForcibly();
                    }
                } else if (line.startsWith("TAKEN ")) {
                    seen.taken.add(line.substring(6));
                } else if (line.startsWith("QOS2 ")) {
                    seen.qos2.add(Integer.parseInt(line.substring(5)));
                } else if (line.startsWith("RELEASING ")) {
                    seen.releasing.add(Integer.parseInt(line.substring(10)));
                } else if (line.startsWith("RELEASED ")) {
                    seen.released.add(Integer.parseInt(line.substring(9)));
                } else if (line.startsWith("RETAINED ")) {
                    String[] parts = line.split(" ");
                    seen.retained.merge(parts[1], parts[2], (a, b) -> compare(order(a), order(b)) >= 0 ? a : b);
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acked.size()).as("the child of round %d died before it was killed", round)
                .isGreaterThanOrEqualTo(killAfter);
        return seen;
    }

    /** Opens the store as a restarted broker would and lists what it restored, without consuming anything. */
    private Recovered recover() throws IOException {
        try (DurableStore store = DurableStore.open(dir, StoreOptions.of(FsyncPolicy.ALWAYS))) {
            VirtualHost host = new VirtualHost("/", System::currentTimeMillis, QueueJournal.NONE, store);
            store.recovery().restore(host);
            RetainedStore retained = new RetainedStore(System::currentTimeMillis, store);
            SessionRegistry<String> sessions = new SessionRegistry<>(System::currentTimeMillis, "mqtt.", store);
            store.recovery().restoreRetained(retained);
            store.recovery().restoreSessions(sessions);
            List<String> queued = new ArrayList<>();
            if (host.queueNames().contains("crash")) {
                Subscription getter = host.queue("crash", null).getter();
                for (Optional<Delivery> next = getter.get(false); next.isPresent(); next = getter.get(false)) {
                    queued.add(new String(next.get().message().payload(), StandardCharsets.UTF_8));
                }
            }
            Set<Integer> awaiting = sessions.find("crash-client").map(s -> Set.copyOf(s.awaitingRelease()))
                    .orElse(Set.of());
            Map<String, String> topics = new HashMap<>();
            retained.match("#").forEach(m -> topics.put(m.routingKey(),
                    new String(m.payload(), StandardCharsets.UTF_8)));
            return new Recovered(queued, awaiting, topics);
        }
    }
}
