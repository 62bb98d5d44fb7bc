package dev.lintas.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.DurablePublish;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.QueueSpec;
import dev.lintas.broker.core.Subscription;
import dev.lintas.broker.core.VirtualHost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up (an injected write failure): publishes are refused instead of acknowledged, reads go on,
 * nothing acknowledged before is lost, and writes resume by themselves once there is room again.
 */
class WriteFailureTest {

    @TempDir
    Path dir;
    private final Disk disk = new Disk();
    private DurableStore store;
    private VirtualHost host;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private void start(SegmentIo.Opener opener) throws IOException {
        store = DurableStore.open(dir, StoreOptions.of(FsyncPolicy.ALWAYS).withOpener(opener));
        host = new VirtualHost("/", System::currentTimeMillis, QueueJournal.NONE, store);
        store.recovery().restore(host);
    }

    private CompletableFuture<Void> publish(String body) {
        DurablePublish publish = host.publishDurably(host.message("", "q")
                .payload(body.getBytes(StandardCharsets.UTF_8)).persistent(true).build());
        return publish.durable().toCompletableFuture();
    }

    @Test
    void publishesAreRefusedWhileTheDiskIsFullAndAcceptedAgainAfter() throws Exception {
        start(disk);
        host.declareQueue(QueueSpec.named("q").asDurable(), null);
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            publish("before-" + i).get(10, TimeUnit.SECONDS);
            acknowledged.add("before-" + i);
        }

        disk.full.set(true);
        CompletableFuture<Void> refused = publish("while-full");
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(StoreWriteException.class)
                .hasMessageContaining("No space left on device");
        assertThat(store.failedWrites()).isPositive();
        CompletableFuture<Void> refusedToo = publish("still-full");
        assertThatThrownBy(() -> refusedToo.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreWriteException.class);
        // Reads go on: what is queued can be taken.
        Subscription reader = host.queue("q", null).getter();
        assertThat(reader.get(false)).isPresent();
        reader.close();

        disk.full.set(false);
        for (int i = 0; i < 3; i++) {
            publish("after-" + i).get(10, TimeUnit.SECONDS);
            acknowledged.add("after-" + i);
        }
        store.close();

        start(SegmentIo.FILES);
        Subscription getter = host.queue("q", null).getter();
        List<String> back = new ArrayList<>();
        for (Optional<Delivery> next = getter.get(false); next.isPresent(); next = getter.get(false)) {
            back.add(new String(next.get().message().payload(), StandardCharsets.UTF_8));
        }
        assertThat(back).containsAll(acknowledged);
        assertThat(back).containsSubsequence(acknowledged);
        assertThat(store.recovery().summary()).startsWith("store: recovered");
    }

    @Test
    void aPublishAfterCloseIsRefusedNotThrownAtTheCore() throws Exception {
        start(disk);
        host.declareQueue(QueueSpec.named("q").asDurable(), null);
        store.close();
        CompletableFuture<Void> late = publish("late");
        assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreWriteException.class)
                .hasMessageContaining("closed");
        store = null;
    }

    @Test
    void aFailedFsyncRefusesTooAndTheNextSegmentTakesOver() throws Exception {
        start(disk);
        host.declareQueue(QueueSpec.named("q").asDurable(), null);
        publish("one").get(10, TimeUnit.SECONDS);
        long segmentBefore = store.journalSegment();
        disk.full.set(true);
        assertThatThrownBy(() -> publish("lost").get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StoreWriteException.class);
        disk.full.set(false);
        publish("two").get(10, TimeUnit.SECONDS);
        assertThat(store.journalSegment()).isGreaterThan(segmentBefore);
    }
}
