package dev.lintas.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.Subscription;
import dev.lintas.broker.core.VirtualHost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged means durable, across {@code kill -9}: a child JVM ({@link CrashLoad}) publishes through the store
 * and is killed at a random moment (after a random number of acknowledgements); the store is then opened here, and
 * every message acknowledged and not consumed must be there, once. Many short rounds on the same directory, so each
 * round also recovers what the crashes before it left, compactions included.
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
        for (int round = 0; round < ROUNDS; round++) {
            int killAfter = 100 + random.nextInt(1500);
            Set<String> acked = new HashSet<>();
            Set<String> taken = new HashSet<>();
            runChildUntil(round, killAfter, acked, taken);
            outstanding.addAll(acked);
            outstanding.removeAll(taken);

            List<String> queued = recoveredQueue();
            assertThat(new HashSet<>(queued)).as("seed %d, round %d: acknowledged messages lost", seed, round)
                    .containsAll(outstanding);
            assertThat(queued).as("seed %d, round %d: duplicates", seed, round).doesNotHaveDuplicates();
            assertThat(acked).as("round %d acknowledged", round).hasSizeGreaterThanOrEqualTo(killAfter);
        }
    }

    /** Runs the child, reads what it prints until {@code killAfter} acknowledgements, then kills it (SIGKILL). */
    private void runChildUntil(int round, int killAfter, Set<String> acked, Set<String> taken) throws Exception {
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
                    taken.add(line.substring(6));
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acked.size()).as("the child of round %d died before it was killed", round)
                .isGreaterThanOrEqualTo(killAfter);
    }

    /** Opens the store as a restarted broker would and lists the queue, without consuming it. */
    private List<String> recoveredQueue() throws IOException {
        try (DurableStore store = DurableStore.open(dir, StoreOptions.of(FsyncPolicy.ALWAYS))) {
            VirtualHost host = new VirtualHost("/", System::currentTimeMillis, QueueJournal.NONE, store);
            store.recovery().restore(host);
            List<String> queued = new ArrayList<>();
            if (!host.queueNames().contains("crash")) {
                return queued;
            }
            Subscription getter = host.queue("crash", null).getter();
            for (Optional<Delivery> next = getter.get(false); next.isPresent(); next = getter.get(false)) {
                queued.add(new String(next.get().message().payload(), StandardCharsets.UTF_8));
            }
            return queued;
        }
    }
}
