package dev.lintas.broker.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.netty.channel.DefaultEventLoop;
import io.netty.handler.codec.mqtt.MqttMessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The order and the waiting of PUBACK/PUBREC/PUBCOMP answers, on a real event loop. */
class MqttPublishAcksTest {

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final List<String> written = new CopyOnWriteArrayList<>();
    private final AtomicInteger flushes = new AtomicInteger();
    private final MqttPublishAcks acks = new MqttPublishAcks(loop, new MqttPublishAcks.Writer() {
        @Override
        public void write(MqttPublishAcks.Ack ack, Throwable failure) {
            written.add(ack.packetId() + (failure == null ? "" : " failed: " + failure.getMessage()));
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }
    });

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** A stage that counts the callbacks registered on it. */
    private static final class Counted extends CompletableFuture<Void> {
        final AtomicInteger watchers = new AtomicInteger();

        @Override
        public CompletableFuture<Void> whenCompleteAsync(BiConsumer<? super Void, ? super Throwable> action,
                Executor executor) {
            watchers.incrementAndGet();
            return super.whenCompleteAsync(action, executor);
        }
    }

    private static MqttPublishAcks.Ack puback(int packetId) {
        return new MqttPublishAcks.Ack(MqttMessageType.PUBACK, packetId, (byte) 0, null);
    }

    private void onLoop(Runnable task) throws Exception {
        loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    @Test
    void answersGoInTheOrderTheyCameWhateverOrderTheirStagesComplete() throws Exception {
        Counted first = new Counted();
        Counted second = new Counted();
        onLoop(() -> acks.add(puback(1), first));
        onLoop(() -> acks.add(puback(2), second));
        onLoop(() -> acks.add(puback(3), CompletableFuture.completedFuture(null)));

        second.complete(null);
        onLoop(() -> { });
        assertThat(written).isEmpty();
        assertThat(acks.pendingPubAcks()).isEqualTo(3);

        first.complete(null);
        await().atMost(10, TimeUnit.SECONDS).until(() -> written.size() == 3);
        assertThat(written).containsExactly("1", "2", "3");
        onLoop(() -> assertThat(acks.pendingPubAcks()).isZero());
    }

    @Test
    void theAnswersOfOneTurnShareOneWatcher() throws Exception {
        List<Counted> stages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            stages.add(new Counted());
        }
        onLoop(() -> {
            for (int i = 0; i < 10; i++) {
                acks.add(puback(i + 1), stages.get(i));
            }
        });
        onLoop(() -> { }); // the watch runs after the turn that added them
        assertThat(stages.stream().mapToInt(stage -> stage.watchers.get()).sum()).isEqualTo(1);
        assertThat(stages.get(9).watchers.get()).isEqualTo(1);

        stages.forEach(stage -> stage.complete(null)); // in order, as the store completes them
        await().atMost(10, TimeUnit.SECONDS).until(() -> written.size() == 10);
        assertThat(written).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        assertThat(flushes.get()).isEqualTo(1);
    }

    @Test
    void aFailedStageFailsItsOwnAnswerOnly() throws Exception {
        CompletableFuture<Void> ok = new CompletableFuture<>();
        CompletableFuture<Void> bad = new CompletableFuture<>();
        CompletableFuture<Void> last = new CompletableFuture<>();
        onLoop(() -> {
            acks.add(puback(1), ok);
            acks.add(puback(2), bad);
            acks.add(puback(3), last);
        });
        ok.complete(null);
        bad.completeExceptionally(new IllegalStateException("disk full"));
        last.complete(null);
        await().atMost(10, TimeUnit.SECONDS).until(() -> written.size() == 3);
        assertThat(written).containsExactly("1", "2 failed: disk full", "3");
    }

    @Test
    void anEarlierStageStillPendingWhenTheWatchedOneCompletesIsWatchedItself() throws Exception {
        CompletableFuture<Void> early = new CompletableFuture<>();
        CompletableFuture<Void> late = new CompletableFuture<>();
        onLoop(() -> {
            acks.add(puback(1), early);
            acks.add(puback(2), late);
        });
        late.complete(null); // out of order: the store never does this, but nothing may be stuck if it did
        onLoop(() -> { });
        assertThat(written).isEmpty();
        early.complete(null);
        await().atMost(10, TimeUnit.SECONDS).until(() -> written.size() == 2);
        assertThat(written).containsExactly("1", "2");
    }
}
