package dev.lintas.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segmented log on its own: record format, checksums, rotation, group commit, recovery from damage. */
class LogTest {

    @TempDir
    Path dir;
    private final Disk disk = new Disk();
    private SegmentedLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private SegmentedLog open(StoreOptions options, List<LogRecord> into) throws IOException {
        return new SegmentedLog(dir, options.withOpener(disk), into::add);
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<LogRecord> records) {
        return records.stream().map(record -> new String(record.payload(), StandardCharsets.UTF_8)).toList();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.toString().endsWith(SegmentedLog.SUFFIX)).sorted().toList();
        }
    }

    @Test
    void aRecordIsLengthTypeSequenceAndPayloadUnderACrc32c() throws IOException {
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS), new ArrayList<>());
        long lsn = log.append(RecordType.QUEUE_DELETED, text("abc"));
        log.durableSince(lsn - 1).toCompletableFuture().join();
        log.close();
        log = null;

        byte[] file = Files.readAllBytes(segments().get(0));
        assertThat(file).hasSize(RecordFormat.HEADER + 3);
        ByteBuffer view = ByteBuffer.wrap(file);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(file, 4, file.length - 4);
        assertThat(view.getInt(0)).isEqualTo((int) crc.getValue());
        assertThat(view.getInt(4)).isEqualTo(3);
        assertThat(file[8]).isEqualTo(RecordType.QUEUE_DELETED.code);
        assertThat(view.getLong(9)).isEqualTo(lsn);
        assertThat(new String(file, 17, 3, StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(RecordFormat.check(file, 0, file.length)).isEqualTo(file.length);

        file[18] ^= 1; // one bit of the payload
        assertThat(RecordFormat.check(file, 0, file.length)).isEqualTo(-1);
        file[18] ^= 1;
        file[8] = 99; // an unknown type, checksum aside
        assertThat(RecordFormat.check(file, 0, file.length)).isEqualTo(-1);
    }

    @Test
    void recordsComeBackInOrderAcrossRotatedSegments() throws IOException {
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS).withSegmentBytes(200), new ArrayList<>());
        for (int i = 0; i < 40; i++) {
            log.append(RecordType.QUEUE_DELETED, text("record-" + i));
        }
        log.durableSince(0).toCompletableFuture().join();
        log.close();

        List<LogRecord> read = new ArrayList<>();
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS).withSegmentBytes(200), read);
        assertThat(texts(read)).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 40).mapToObj(i -> "record-" + i).toList());
        assertThat(read).extracting(LogRecord::lsn).isSorted().doesNotHaveDuplicates();
        assertThat(segments()).hasSizeGreaterThan(5);
        for (Path segment : segments()) {
            assertThat(Files.size(segment)).isLessThanOrEqualTo(200);
        }
        long next = log.append(RecordType.QUEUE_DELETED, text("after"));
        assertThat(next).isEqualTo(read.get(read.size() - 1).lsn() + 1);
    }

    @Test
    void aSegmentIsReadThroughAWindowWithRecordsAcrossItsEdgesBiggerThanItAndDamageBetween() throws IOException {
        // Records of many sizes, so that some straddle the window's edges, and one bigger than the whole window.
        List<byte[]> payloads = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        long total = 0;
        while (total < 3L * SegmentScanner.WINDOW) {
            byte[] payload = new byte[random.nextInt(70_000)];
            random.nextBytes(payload);
            payloads.add(payload);
            total += RecordFormat.size(payload.length);
        }
        byte[] huge = new byte[SegmentScanner.WINDOW + 12_345];
        random.nextBytes(huge);
        payloads.add(payloads.size() / 2, huge);
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS), new ArrayList<>());
        List<Long> offsets = new ArrayList<>();
        long offset = 0;
        for (byte[] payload : payloads) {
            log.append(RecordType.QUEUE_DELETED, payload);
            offsets.add(offset);
            offset += RecordFormat.size(payload.length);
        }
        log.durableSince(0).toCompletableFuture().join();
        log.close();
        log = null;
        Path segment = segments().get(0);
        assertThat(Files.size(segment)).isEqualTo(offset).isGreaterThan(3L * SegmentScanner.WINDOW);

        // Damage one record that starts just before the second window's edge: only it is skipped.
        int damaged = 0;
        while (offsets.get(damaged + 1) <= 2L * SegmentScanner.WINDOW - 10) {
            damaged++;
        }
        try (var channel = java.nio.channels.FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0x55}), offsets.get(damaged) + RecordFormat.HEADER);
        }
        List<LogRecord> read = new ArrayList<>();
        SegmentScanner.Damage damage = new SegmentScanner.Damage();
        SegmentScanner.scan(segment, 1, false, damage, read::add);

        List<byte[]> expected = new ArrayList<>(payloads);
        expected.remove(damaged);
        assertThat(read).hasSize(expected.size());
        for (int i = 0; i < read.size(); i++) {
            assertThat(read.get(i).payload()).isEqualTo(expected.get(i));
        }
        List<Long> expectedOffsets = new ArrayList<>(offsets);
        expectedOffsets.remove(damaged);
        assertThat(read).extracting(LogRecord::offset).containsExactlyElementsOf(expectedOffsets);
        assertThat(damage.damagedStretches).isEqualTo(1);
        assertThat(damage.skippedBytes).isEqualTo(RecordFormat.size(payloads.get(damaged).length));
    }

    @Test
    void oneFsyncCoversEverythingAppendedWhileThePreviousOneRan() throws Exception {
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS), new ArrayList<>());
        int size = RecordFormat.size(8);
        CountDownLatch release = new CountDownLatch(1);
        disk.holdFirstForce = release;
        long first = log.append(RecordType.QUEUE_DELETED, new byte[8]);
        CompletableFuture<Void> firstDone = log.durableSince(first - 1).toCompletableFuture();
        assertThat(disk.forceEntered.await(10, TimeUnit.SECONDS)).isTrue();

        // While that fsync is held, 4 threads append 100 records and wait for each.
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        ExecutorService appenders = Executors.newFixedThreadPool(4);
        List<CompletableFuture<?>> appended = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            appended.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 25; i++) {
                    long lsn = log.append(RecordType.QUEUE_DELETED, new byte[8]);
                    CompletableFuture<Void> durable = log.durableSince(lsn - 1).toCompletableFuture()
                            .whenComplete((ok, error) -> {
                                if (disk.forcedBytes.get() < lsn * size) {
                                    violations.add("record " + lsn + " reported before its fsync");
                                }
                            });
                    synchronized (done) {
                        done.add(durable);
                    }
                }
            }, appenders));
        }
        CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        appenders.shutdown();
        assertThat(firstDone).isNotDone();
        assertThat(done).noneMatch(CompletableFuture::isDone);

        release.countDown();
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(firstDone).isCompleted();
        assertThat(violations).isEmpty();
        assertThat(disk.forces.get()).isEqualTo(2); // the first record, then all 100 in one batch
        assertThat(disk.writes.get()).isEqualTo(2);
    }

    @Test
    void aWaitWithNothingToWaitForIsDoneAtOnce() throws IOException {
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS), new ArrayList<>());
        assertThat(log.durableSince(log.position()).toCompletableFuture()).isCompleted();
    }

    @Test
    void everyAndNeverReportAWriteBeforeItsFsync() throws IOException {
        log = open(StoreOptions.of(FsyncPolicy.every(Duration.ofHours(1))), new ArrayList<>());
        long lsn = log.append(RecordType.QUEUE_DELETED, text("x"));
        log.durableSince(lsn - 1).toCompletableFuture().join();
        assertThat(disk.writes.get()).isEqualTo(1);
        assertThat(disk.forces.get()).isZero();
        log.close();
        log = null;
        assertThat(disk.forces.get()).as("close forces what is left").isEqualTo(1);

        Disk never = new Disk();
        log = new SegmentedLog(dir, StoreOptions.of(FsyncPolicy.NEVER).withOpener(never), record -> { });
        lsn = log.append(RecordType.QUEUE_DELETED, text("y"));
        log.durableSince(lsn - 1).toCompletableFuture().join();
        log.close();
        log = null;
        assertThat(never.writes.get()).isEqualTo(1);
        assertThat(never.forces.get()).isZero();
    }

    @Test
    void everyForcesOnItsTimerWithoutNewWrites() throws IOException {
        log = open(StoreOptions.of(FsyncPolicy.every(Duration.ofMillis(20))), new ArrayList<>());
        long lsn = log.append(RecordType.QUEUE_DELETED, text("x"));
        log.durableSince(lsn - 1).toCompletableFuture().join();
        await().atMost(Duration.ofSeconds(10)).until(() -> disk.forces.get() >= 1);
        assertThat(disk.forcedBytes.get()).isEqualTo(disk.writtenBytes.get());
    }

    @Test
    void aTornFinalRecordIsTruncatedAndAppendsGoOn() throws IOException {
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS), new ArrayList<>());
        for (int i = 0; i < 5; i++) {
            log.append(RecordType.QUEUE_DELETED, text("r" + i));
        }
        log.durableSince(0).toCompletableFuture().join();
        log.close();
        Path last = segments().get(segments().size() - 1);
        long good = Files.size(last);
        ByteBuffer torn = ByteBuffer.allocate(RecordFormat.size(100));
        RecordFormat.write(torn, RecordType.QUEUE_DELETED, 6, new byte[100]);
        Files.write(last, java.util.Arrays.copyOf(torn.array(), 40), StandardOpenOption.APPEND);

        List<LogRecord> read = new ArrayList<>();
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS), read);
        assertThat(texts(read)).containsExactly("r0", "r1", "r2", "r3", "r4");
        assertThat(Files.size(last)).isEqualTo(good);
        assertThat(log.damage().truncatedBytes).isEqualTo(40);
        assertThat(log.damage().damagedStretches).isZero();
        long lsn = log.append(RecordType.QUEUE_DELETED, text("r5"));
        log.durableSince(lsn - 1).toCompletableFuture().join();
        log.close();

        read.clear();
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS), read);
        assertThat(texts(read)).containsExactly("r0", "r1", "r2", "r3", "r4", "r5");
    }

    @Test
    void aDamagedRecordInTheMiddleIsSkippedCountedAndTheRestKept() throws IOException {
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS), new ArrayList<>());
        for (int i = 0; i < 10; i++) {
            log.append(RecordType.QUEUE_DELETED, text("record-" + i));
        }
        log.durableSince(0).toCompletableFuture().join();
        log.close();
        Path segment = segments().get(0);
        byte[] file = Files.readAllBytes(segment);
        int recordSize = RecordFormat.size("record-0".length());
        file[4 * recordSize + RecordFormat.HEADER + 2] ^= 0x40; // a payload byte of record 4
        file[7 * recordSize + 5] ^= 0x7f; // the length of record 7
        Files.write(segment, file);

        List<LogRecord> read = new ArrayList<>();
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS), read);
        assertThat(texts(read)).containsExactly("record-0", "record-1", "record-2", "record-3", "record-5",
                "record-6", "record-8", "record-9");
        assertThat(log.damage().damagedStretches).isEqualTo(2);
        assertThat(log.damage().skippedBytes).isEqualTo(2L * recordSize);
        assertThat(Files.size(segment)).as("damage is not truncated away").isEqualTo(file.length);
    }

    @Test
    void garbageAtTheEndOfAnOlderSegmentIsDamageNotATornTail() throws IOException {
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS).withSegmentBytes(100), new ArrayList<>());
        for (int i = 0; i < 6; i++) {
            log.append(RecordType.QUEUE_DELETED, text("record-" + i));
        }
        log.durableSince(0).toCompletableFuture().join();
        log.close();
        Path first = segments().get(0);
        Files.write(first, new byte[] {1, 2, 3, 4, 5}, StandardOpenOption.APPEND);

        List<LogRecord> read = new ArrayList<>();
        log = open(StoreOptions.of(FsyncPolicy.ALWAYS).withSegmentBytes(100), read);
        assertThat(read).hasSize(6);
        assertThat(log.damage().damagedStretches).isEqualTo(1);
        assertThat(log.damage().skippedBytes).isEqualTo(5);
    }
}
