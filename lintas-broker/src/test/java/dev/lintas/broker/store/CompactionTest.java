package dev.lintas.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.QueueSpec;
import dev.lintas.broker.core.RetainedStore;
import dev.lintas.broker.core.Session;
import dev.lintas.broker.core.SessionRegistry;
import dev.lintas.broker.core.Subscription;
import dev.lintas.broker.core.SubscriptionOptions;
import dev.lintas.broker.core.VirtualHost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction keeps exactly the live records, frees the rest, and survives a crash in the middle. */
class CompactionTest {

    @TempDir
    Path dir;
    private final long now = 1_000_000;
    private StoreOptions options = StoreOptions.of(FsyncPolicy.ALWAYS).withSegmentBytes(16 * 1024)
            .withCompaction(1000, Long.MAX_VALUE); // only when a test asks
    private DurableStore store;
    private VirtualHost host;
    private RetainedStore retained;
    private SessionRegistry<String> sessions;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private void start() throws IOException {
        store = DurableStore.open(dir, options);
        host = new VirtualHost("/", () -> now, QueueJournal.NONE, store);
        retained = new RetainedStore(() -> now, store);
        sessions = new SessionRegistry<>(() -> now, "mqtt.", store);
        store.recovery().restore(host);
        store.recovery().restoreRetained(retained);
        store.recovery().restoreSessions(sessions);
    }

    private void restart() throws IOException {
        store.close();
        start();
    }

    private void settle() throws Exception {
        host.durableSince(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Publishes 1,000 messages and acknowledges a random 900, with churn in retained messages and sessions. */
    private List<String> load() throws Exception {
        host.declareQueue(QueueSpec.named("work").asDurable(), null);
        host.declareQueue(QueueSpec.named("gone").asDurable(), null);
        for (int i = 0; i < 1000; i++) {
            host.publish(host.message("", "work").payload(("m" + i).getBytes()).persistent(true).build());
            host.publish(host.message("", "gone").payload(("g" + i).getBytes()).persistent(true).build());
            retained.retain(host.message("amq.topic", "t" + i % 10).payload(("r" + i).getBytes()).build());
            sessions.connect("client" + i % 5, "c", false, SessionRegistry.NEVER).session()
                    .subscribe("f" + i % 20, SubscriptionOptions.qos(1));
        }
        host.deleteQueue("gone", false, false, null);
        Subscription getter = host.queue("work", null).getter();
        Random random = new Random(7);
        List<String> unacked = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Delivery delivery = getter.get(false).orElseThrow();
            if (random.nextInt(10) == 0) {
                unacked.add(new String(delivery.message().payload(), StandardCharsets.UTF_8));
            } else {
                getter.ack(delivery.tag(), false);
            }
        }
        settle();
        return unacked;
    }

    private List<String> work() {
        Subscription getter = host.queue("work", null).getter();
        List<String> all = new ArrayList<>();
        for (Optional<Delivery> next = getter.get(false); next.isPresent(); next = getter.get(false)) {
            all.add(new String(next.get().message().payload(), StandardCharsets.UTF_8));
        }
        return all;
    }

    private Map<String, Object> mqttState() {
        Map<String, Object> state = new HashMap<>();
        retained.match("#").forEach(m -> state.put("retained " + m.routingKey(), new String(m.payload())));
        for (int c = 0; c < 5; c++) {
            Session<String> session = sessions.find("client" + c).orElseThrow();
            state.put("session " + c, Map.copyOf(session.subscriptions()));
        }
        return state;
    }

    private List<StoredRecord> records() throws IOException {
        List<StoredRecord> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(SegmentedLog.SUFFIX)).sorted().toList()) {
                SegmentScanner.scan(file, 0, false, new SegmentScanner.Damage(), record -> {
                    try {
                        all.add(StoredRecord.decode(record));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
            }
        }
        return all;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(SegmentedLog.SUFFIX)).count();
        }
    }

    @Test
    void compactionKeepsExactlyTheLiveRecords() throws Exception {
        start();
        List<String> unacked = load();
        store.close();
        start(); // everything so far is now in sealed segments
        Map<String, Object> before = mqttState();
        long filesBefore = segmentFiles();
        long bytesBefore = store.diskBytes();

        store.compact();

        assertThat(segmentFiles()).isEqualTo(1);
        List<StoredRecord> kept = records();
        Set<RecordKey> keys = new HashSet<>();
        for (StoredRecord record : kept) {
            assertThat(record.value()).as("no tombstone is kept: %s", record).isNotNull();
            assertThat(keys.add(record.key())).as("one record per key: %s", record.key()).isTrue();
        }
        // 100 queue entries and their bodies, one queue, 10 retained topics, 5 sessions.
        assertThat(kept.stream().filter(r -> r.key().kind() == RecordKey.Kind.ENTRY)).hasSize(unacked.size());
        assertThat(kept.stream().filter(r -> r.key().kind() == RecordKey.Kind.MESSAGE)).hasSize(unacked.size());
        assertThat(kept.stream().filter(r -> r.key().kind() == RecordKey.Kind.QUEUE)).hasSize(1);
        assertThat(kept.stream().filter(r -> r.key().kind() == RecordKey.Kind.RETAINED)).hasSize(10);
        assertThat(kept.stream().filter(r -> r.key().kind() == RecordKey.Kind.SESSION)).hasSize(5);
        assertThat(kept).hasSize(2 * unacked.size() + 1 + 10 + 5);
        assertThat(store.diskBytes()).isLessThan(bytesBefore / 10).isEqualTo(store.liveBytes());
        assertThat(filesBefore).isGreaterThan(10);

        restart();
        assertThat(mqttState()).isEqualTo(before);
        assertThat(work()).containsExactlyElementsOf(unacked);
    }

    @Test
    void segmentsWithNothingLiveAreDeletedWithoutBeingRead() throws Exception {
        start();
        host.declareQueue(QueueSpec.named("work").asDurable(), null);
        retained.retain(host.message("amq.topic", "first").payload("kept".getBytes()).build()); // live, in segment 1
        Subscription getter = host.queue("work", null).getter();
        for (int i = 0; i < 2000; i++) {
            host.publish(host.message("", "work").payload(("m" + i).getBytes()).persistent(true).build());
            Delivery delivery = getter.get(false).orElseThrow();
            if (i != 1000) { // one message in the middle stays unacknowledged
                getter.ack(delivery.tag(), false);
            }
        }
        settle();
        store.close();
        start();
        long sealed = segmentFiles();
        assertThat(sealed).isGreaterThan(20);

        store.compact();

        // Only the first segment (the queue, the retained message) and the one with m1000 had to be read.
        assertThat(store.segmentsDeletedUnread()).isGreaterThanOrEqualTo(sealed - 2);
        assertThat(segmentFiles()).isEqualTo(1);
        assertThat(records()).allSatisfy(record -> assertThat(record.value()).isNotNull());
        restart();
        assertThat(retained.match("#")).extracting(m -> new String(m.payload())).containsExactly("kept");
        assertThat(work()).containsExactly("m1000");
    }

    @Test
    void aCrashBeforeTheOldSegmentsAreDeletedChangesNothing() throws Exception {
        start();
        List<String> unacked = load();
        store.close();
        Path aside = Files.createTempDirectory(dir.getParent(), "aside");
        List<Path> old;
        try (Stream<Path> files = Files.list(dir)) {
            old = files.toList();
        }
        for (Path file : old) {
            Files.copy(file, aside.resolve(file.getFileName()));
        }
        start();
        Map<String, Object> before = mqttState();
        store.compact();
        store.close();
        for (Path file : old) { // as if the crash came between the rename and the deletes
            Files.copy(aside.resolve(file.getFileName()), file, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.write(dir.resolve("00000000000000000099" + SegmentedLog.PARTIAL_SUFFIX), new byte[] {1, 2, 3});

        start();
        assertThat(segmentFiles()).as("the covered segments are deleted at open").isEqualTo(1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(SegmentedLog.PARTIAL_SUFFIX))).isEmpty();
        }
        assertThat(mqttState()).isEqualTo(before);
        assertThat(work()).containsExactlyElementsOf(unacked);
    }

    @Test
    void compactionRunsByItselfUnderLoadAndBoundsTheDisk() throws Exception {
        options = StoreOptions.of(FsyncPolicy.NEVER).withSegmentBytes(8192).withCompaction(2, 32 * 1024);
        start();
        host.declareQueue(QueueSpec.named("work").asDurable(), null);
        Subscription getter = host.queue("work", null).getter();
        byte[] payload = new byte[200];
        for (int i = 0; i < 20_000; i++) {
            host.publish(host.message("", "work").payload(payload).persistent(true).build());
            getter.ack(getter.get(false).orElseThrow().tag(), false);
        }
        host.publish(host.message("", "work").payload("last".getBytes()).persistent(true).build());
        settle();
        await().atMost(Duration.ofSeconds(30)).until(() -> store.compactions() > 0);
        // About 5 MB were written; the disk holds a bounded amount whatever was written.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(store.diskBytes())
                .as("disk; live %d bytes, %d compactions, files %s", store.liveBytes(), store.compactions(), files())
                .isLessThan(256 * 1024));

        restart();
        assertThat(work()).containsExactly("last");
    }
}
