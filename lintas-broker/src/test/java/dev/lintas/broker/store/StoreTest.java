package dev.lintas.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lintas.broker.core.Binding;
import dev.lintas.broker.core.BrokerException;
import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.DurablePublish;
import dev.lintas.broker.core.ExchangeSpec;
import dev.lintas.broker.core.ExchangeType;
import dev.lintas.broker.core.HeldPublish;
import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.QueueSpec;
import dev.lintas.broker.core.RetainedStore;
import dev.lintas.broker.core.Session;
import dev.lintas.broker.core.SessionRegistry;
import dev.lintas.broker.core.SubscriptionOptions;
import dev.lintas.broker.core.Subscription;
import dev.lintas.broker.core.VirtualHost;
import dev.lintas.broker.core.WillState;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store keeps through the core, and what a restart (close, then open on the same directory) brings back. */
class StoreTest {

    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private DurableStore store;
    private VirtualHost host;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** Opens the store and a fresh host on it, restored from what the store read. */
    private void start() throws IOException {
        store = DurableStore.open(dir, StoreOptions.of(FsyncPolicy.ALWAYS));
        host = new VirtualHost("/", clock::get, QueueJournal.NONE, store);
        store.recovery().restore(host);
    }

    private void restart() throws IOException {
        store.close();
        start();
    }

    private Message persistent(String exchange, String key, String body) {
        return host.message(exchange, key).payload(body.getBytes(StandardCharsets.UTF_8)).persistent(true).build();
    }

    private void publishAndWait(Message message) throws Exception {
        DurablePublish publish = host.publishDurably(message);
        publish.durable().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String text(Delivery delivery) {
        return new String(delivery.message().payload(), StandardCharsets.UTF_8);
    }

    private List<Delivery> drain(String queue) {
        Subscription getter = host.queue(queue, null).getter();
        List<Delivery> all = new ArrayList<>();
        for (Optional<Delivery> next = getter.get(false); next.isPresent(); next = getter.get(false)) {
            all.add(next.get());
        }
        return all;
    }

    @Test
    void durableTopologyAndUnacknowledgedPersistentMessagesSurviveARestart() throws Exception {
        start();
        host.declareExchange(ExchangeSpec.of("orders", ExchangeType.TOPIC).asDurable());
        host.declareExchange(ExchangeSpec.of("scratch", ExchangeType.FANOUT));
        host.declareQueue(QueueSpec.named("work").asDurable().withArgument("x-max-length", 100), null);
        host.declareQueue(QueueSpec.named("transient"), null);
        host.declareQueue(QueueSpec.named("mine").asDurable().asExclusive(), "connection-1");
        host.bind(Binding.of("orders", "work", "eu.*"), null);
        host.bind(Binding.of("orders", "transient", "eu.*"), null);
        host.bind(Binding.of("amq.topic", "work", "mqtt.#").asDollarProtected(), null);
        for (int i = 1; i <= 5; i++) {
            publishAndWait(persistent("orders", "eu.de", "m" + i));
        }
        publishAndWait(host.message("orders", "eu.de").payload("not persistent".getBytes()).build());
        Subscription consumer = host.queue("work", null).getter();
        Delivery m1 = consumer.get(false).orElseThrow();
        Delivery m2 = consumer.get(false).orElseThrow();
        Delivery m3 = consumer.get(false).orElseThrow();
        consumer.ack(m2.tag(), true); // m1 and m2
        long lastStored = m3.message().id() + 2; // m5
        assertThat(text(m1)).isEqualTo("m1");
        host.durableSince(0).toCompletableFuture().get(10, TimeUnit.SECONDS);

        restart();

        host.checkExchange("orders");
        assertThatThrownBy(() -> host.checkExchange("scratch")).isInstanceOf(BrokerException.class);
        assertThat(host.queueNames()).containsExactly("work");
        assertThat(host.queue("work", null).settings().maxLength()).isEqualTo(100);
        assertThat(host.bindings("orders")).containsExactly(Binding.of("orders", "work", "eu.*"));
        assertThat(host.bindings("amq.topic")).containsExactly(
                Binding.of("amq.topic", "work", "mqtt.#").asDollarProtected());
        List<Delivery> left = drain("work");
        assertThat(left).extracting(StoreTest::text).containsExactly("m3", "m4", "m5");
        assertThat(left).extracting(Delivery::redelivered).containsExactly(true, false, false);
        assertThat(host.message("orders", "x").build().id()).isGreaterThan(lastStored);
    }

    @Test
    void acknowledgedAndDeletedThingsStayGone() throws Exception {
        start();
        host.declareExchange(ExchangeSpec.of("events", ExchangeType.DIRECT).asDurable());
        host.declareQueue(QueueSpec.named("a").asDurable(), null);
        host.declareQueue(QueueSpec.named("b").asDurable(), null);
        host.bind(Binding.of("events", "a", "k"), null);
        host.bind(Binding.of("events", "b", "k"), null);
        publishAndWait(persistent("events", "k", "both"));
        assertThat(drain("a")).hasSize(1); // handed out, never acknowledged
        host.unbind(Binding.of("events", "a", "k"), null);
        host.deleteQueue("b", false, false, null);
        host.purgeQueue("a", null);
        restart();

        assertThat(host.queueNames()).containsExactly("a");
        assertThat(host.bindings("events")).isEmpty();
        List<Delivery> back = drain("a");
        assertThat(back).extracting(StoreTest::text).containsExactly("both");
        assertThat(back.get(0).redelivered()).isTrue();

        host.deleteExchange("events", false);
        restart();
        assertThatThrownBy(() -> host.checkExchange("events")).isInstanceOf(BrokerException.class);
        assertThat(drain("a")).extracting(StoreTest::text).containsExactly("both");
    }

    @Test
    void aMessageIsStoredWholeWithEveryHeaderAndPropertyType() throws Exception {
        start();
        host.declareQueue(QueueSpec.named("q").asDurable(), null);
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("nested", List.of(1, "two", 3.0));
        Message message = host.message("", "q").payload(new byte[] {0, 1, 2, (byte) 255}).persistent(true)
                .ttlMillis(60_000)
                .header("int", 7).header("long", 8L).header("short", (short) 9).header("byte", (byte) 10)
                .header("bool", true).header("float", 1.5f).header("double", 2.5).header("char", 'c')
                .header("null", null).header("decimal", new BigDecimal("12.345"))
                .header("date", new Date(1_700_000_000_000L)).header("table", table)
                .property("bytes", new byte[] {9, 8}).property("instant", Instant.ofEpochSecond(5, 6))
                .property("content-type", "text/plain").property("user-properties", List.of(
                        List.of("k", "v"), List.of("k", "w")))
                .build();
        publishAndWait(message);
        restart();

        Message back = drain("q").get(0).message();
        assertThat(back.id()).isEqualTo(message.id());
        assertThat(back.exchange()).isEqualTo("");
        assertThat(back.routingKey()).isEqualTo("q");
        assertThat(back.payload()).containsExactly(0, 1, 2, 255);
        assertThat(back.ttlMillis()).hasValue(60_000);
        assertThat(back.persistent()).isTrue();
        assertThat(back.headers()).usingRecursiveComparison().isEqualTo(message.headers());
        assertThat(back.headers().keySet()).containsExactlyElementsOf(message.headers().keySet());
        assertThat((byte[]) back.properties().get("bytes")).containsExactly(9, 8);
        assertThat(back.properties().get("instant")).isEqualTo(Instant.ofEpochSecond(5, 6));
        assertThat(back.properties().get("user-properties")).isEqualTo(message.properties().get("user-properties"));
    }

    @Test
    void requeuedMessagesComeBackInTheirOriginalOrderAndTtlCountsFromTheFirstEnqueue() throws Exception {
        start();
        host.declareQueue(QueueSpec.named("q").asDurable().withArgument("x-message-ttl", 10_000), null);
        for (int i = 1; i <= 4; i++) {
            publishAndWait(persistent("", "q", "m" + i));
        }
        Subscription getter = host.queue("q", null).getter();
        Delivery m1 = getter.get(false).orElseThrow();
        Delivery m2 = getter.get(false).orElseThrow();
        getter.reject(m2.tag(), true); // back at its place, redelivered next time
        assertThat(m1).isNotNull();
        host.durableSince(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
        restart();

        clock.addAndGet(5_000);
        List<Delivery> back = drain("q");
        assertThat(back).extracting(StoreTest::text).containsExactly("m1", "m2", "m3", "m4");
        assertThat(back).extracting(Delivery::redelivered).containsExactly(true, true, false, false);
        restart();
        clock.addAndGet(5_001); // more than 10 s after they were published
        assertThat(drain("q")).isEmpty();
    }

    @Test
    void retainedMessagesAndSessionsWithTheirSubscriptionsSurvive() throws Exception {
        start();
        RetainedStore retained = new RetainedStore(clock::get, store);
        SessionRegistry<String> sessions = new SessionRegistry<>(clock::get, "mqtt.", store);
        retained.retain(persistent("amq.topic", "sensors.t1", "21"));
        retained.retain(persistent("amq.topic", "sensors.t2", "22"));
        retained.retain(host.message("amq.topic", "sensors.t2").build()); // an empty payload clears it
        retained.retain(host.message("amq.topic", "sensors.t3").payload("short".getBytes()).ttlMillis(1000)
                .build());
        Session<String> kept = sessions.connect("keeper", "connection-1", false, SessionRegistry.NEVER).session();
        kept.subscribe("sensors/+", SubscriptionOptions.qos(1));
        kept.subscribe("alerts/#", new SubscriptionOptions(2, true, true, 1, 42));
        kept.unsubscribe("sensors/+");
        sessions.connect("fleeting", "connection-2", true, 0).session().subscribe("x", SubscriptionOptions.qos(0));
        Session<String> ended = sessions.connect("ended", "connection-3", false, 60_000).session();
        sessions.disconnected("ended", "connection-3", 0);
        assertThat(ended.queue()).isNotNull();
        host.durableSince(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
        restart();

        clock.addAndGet(2000);
        RetainedStore retainedBack = new RetainedStore(clock::get, store);
        SessionRegistry<String> sessionsBack = new SessionRegistry<>(clock::get, "mqtt.", store);
        assertThat(store.recovery().restoreRetained(retainedBack)).isEqualTo(2);
        assertThat(store.recovery().restoreSessions(sessionsBack)).isEqualTo(1);
        assertThat(retainedBack.match("sensors.*")).extracting(m -> new String(m.payload())).containsExactly("21");
        Session<String> back = sessionsBack.find("keeper").orElseThrow();
        assertThat(back.queue()).isEqualTo(kept.queue());
        assertThat(back.subscriptions()).containsExactly(Map.entry("alerts/#",
                new SubscriptionOptions(2, true, true, 1, 42)));
        assertThat(sessionsBack.state(back)).isEqualTo(Session.State.OFFLINE);
        assertThat(sessionsBack.find("fleeting")).isEmpty();
        assertThat(sessionsBack.find("ended")).isEmpty();
        SessionRegistry.Connected<String> resumed = sessionsBack.connect("keeper", "connection-4", false,
                SessionRegistry.NEVER);
        assertThat(resumed.present()).isTrue();
        String fresh = sessionsBack.connect("newcomer", "connection-5", false, 1000).session().queue();
        assertThat(fresh).isNotIn(kept.queue(), ended.queue());
    }

    @Test
    void qos2PacketIdsAwaitingReleaseSurviveSoAResentPublishIsNotPublishedTwice() throws Exception {
        start();
        SessionRegistry<String> sessions = new SessionRegistry<>(clock::get, "mqtt.", store);
        Session<String> session = sessions.connect("exact", "connection-1", false, SessionRegistry.NEVER).session();
        assertThat(session.qos2Received(7)).isTrue();
        assertThat(session.qos2Received(7)).as("a resent PUBLISH").isFalse();
        assertThat(session.qos2Received(8)).isTrue();
        assertThat(session.qos2Released(8)).isTrue();
        assertThat(session.qos2Released(8)).as("a second PUBREL").isFalse();
        Session<String> clean = sessions.connect("clean", "connection-2", true, 0).session();
        assertThat(clean.qos2Received(1)).isTrue(); // kept in memory only: the session ends with its connection
        Session<String> ending = sessions.connect("ending", "connection-3", false, 60_000).session();
        ending.qos2Received(3);
        sessions.connect("ending", "connection-4", true, 60_000); // a clean start ends the old session
        host.durableSince(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
        restart();

        SessionRegistry<String> back = new SessionRegistry<>(clock::get, "mqtt.", store);
        store.recovery().restoreSessions(back);
        Session<String> resumed = back.find("exact").orElseThrow();
        assertThat(resumed.awaitingRelease()).containsExactly(7);
        assertThat(resumed.qos2Received(7)).as("the PUBLISH resent after the crash").isFalse();
        assertThat(back.find("ending").orElseThrow().awaitingRelease()).isEmpty();
        assertThat(back.find("clean")).isEmpty();
        assertThat(resumed.qos2Released(7)).isTrue();
        restart();
        SessionRegistry<String> again = new SessionRegistry<>(clock::get, "mqtt.", store);
        store.recovery().restoreSessions(again);
        assertThat(again.find("exact").orElseThrow().awaitingRelease()).isEmpty();
    }

    @Test
    void aHeldPublishSurvivesWholeAndIsNotAlsoRestoredToTheQueueItLeft() throws Exception {
        start();
        SessionRegistry<String> sessions = new SessionRegistry<>(clock::get, "mqtt.", store);
        sessions.connect("member", "connection-1", false, SessionRegistry.NEVER);
        Message message = sentFromGroup("held");
        // The session holds it; the crash comes before its delivery is acknowledged to the group's queue.
        store.publishHeld(new HeldPublish("member", 9, 2, "group/t", false, Long.MAX_VALUE, List.of(3), message,
                "group"));
        host.durableSince(0).toCompletableFuture().get(10, TimeUnit.SECONDS);

        restart();

        assertThat(drain("group")).as("the session's now, not the queue's").isEmpty();
        assertThat(drain("other")).as("another queue's copy is its own").extracting(StoreTest::text)
                .containsExactly("held");
        HeldPublish held = store.recovery().heldPublishes().get("member").getFirst();
        assertThat(held.packetId()).isEqualTo(9);
        assertThat(held.subscriptionIds()).containsExactly(3);
        assertThat(new String(held.message().payload(), StandardCharsets.UTF_8)).isEqualTo("held");
        assertThat(held.message().id()).isEqualTo(message.id());
        assertThat(host.message("", "x").build().id()).isGreaterThan(message.id());
        store.qos2Sent("member", 9); // the client's PUBREC supersedes it
        host.durableSince(0).toCompletableFuture().get(10, TimeUnit.SECONDS);

        restart();

        assertThat(drain("group")).isEmpty();
        assertThat(drain("other")).extracting(StoreTest::text).containsExactly("held");
        assertThat(store.recovery().heldPublishes()).isEmpty();
        assertThat(store.recovery().awaitingComplete()).containsEntry("member", List.of(9));
    }

    /**
     * A message that reached the durable queues {@code group} and {@code other}, handed out once from {@code group}
     * (unacknowledged), as to a member of a shared subscription.
     */
    private Message sentFromGroup(String body) throws Exception {
        for (String queue : List.of("group", "other")) {
            host.declareQueue(QueueSpec.named(queue).asDurable(), null);
            host.bind(Binding.of("amq.fanout", queue, ""), null);
        }
        publishAndWait(persistent("amq.fanout", "", body));
        return host.queue("group", null).getter().get(false).orElseThrow().message();
    }

    private static HeldPublish sharedSend(String clientId, int packetId, Message message) {
        return new HeldPublish(clientId, packetId, 2, "group/t", true, 5_000_000, List.of(3, 4), message, "group");
    }

    /** The session of "member", sent a message of the durable queue "group" with packet id 9, not answered. */
    private Message sentToMember() throws Exception {
        new SessionRegistry<String>(clock::get, "mqtt.", store).connect("member", "connection-1", false,
                SessionRegistry.NEVER);
        Message message = sentFromGroup("in flight");
        store.sharedQos2Published(sharedSend("member", 9, message));
        return message;
    }

    private void waitForDisk() throws Exception {
        host.durableSince(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSharedQos2SendUnansweredAtACrashIsHeldByItsSessionAndNotRestoredToTheGroup() throws Exception {
        start();
        // Sent to the member, whose connection is still open when the broker stops: nothing was held then.
        Message message = sentToMember();
        waitForDisk();

        restart();

        assertThat(drain("group")).as("the member's now, never another member's").isEmpty();
        assertThat(drain("other")).extracting(StoreTest::text).containsExactly("in flight");
        assertThat(store.recovery().unansweredPublishes()).doesNotContainKey("member");
        HeldPublish held = store.recovery().heldPublishes().get("member").getFirst();
        assertThat(held.packetId()).isEqualTo(9);
        assertThat(held.qos()).isEqualTo(2);
        assertThat(held.topic()).isEqualTo("group/t");
        assertThat(held.retain()).isTrue();
        assertThat(held.expiresAtMillis()).isEqualTo(5_000_000);
        assertThat(held.subscriptionIds()).containsExactly(3, 4);
        assertThat(held.message().id()).isEqualTo(message.id());
        assertThat(new String(held.message().payload(), StandardCharsets.UTF_8)).isEqualTo("in flight");
        waitForDisk();

        restart(); // The held record and the entry's removal are on disk: a second restart agrees.

        assertThat(drain("group")).isEmpty();
        assertThat(drain("other")).extracting(StoreTest::text).containsExactly("in flight");
        assertThat(store.recovery().heldPublishes().get("member")).extracting(HeldPublish::packetId)
                .containsExactly(9);
        store.qos2Sent("member", 9); // the re-send's PUBREC supersedes it
        waitForDisk();

        restart();

        assertThat(store.recovery().heldPublishes()).isEmpty();
        assertThat(store.recovery().awaitingComplete()).containsEntry("member", List.of(9));
    }

    @Test
    void aCrashBetweenTheHeldRecordAndTheEntrysRemovalNeitherLosesNorDoublesTheMessage() throws Exception {
        start();
        Message message = sentToMember();
        store.publishHeld(sharedSend("member", 9, message)); // what the first recovery writes first; then the crash
        waitForDisk();

        restart();

        assertThat(drain("group")).isEmpty();
        assertThat(drain("other")).extracting(StoreTest::text).containsExactly("in flight");
        assertThat(store.recovery().heldPublishes().get("member")).extracting(h -> h.message().id())
                .containsExactly(message.id());
        waitForDisk();

        restart();

        assertThat(drain("group")).isEmpty();
        assertThat(drain("other")).extracting(StoreTest::text).containsExactly("in flight");
        assertThat(store.recovery().heldPublishes().get("member")).hasSize(1);
    }

    @Test
    void anUnansweredSendThatNothingWouldResendIsDroppedAndItsMessageStaysWithItsQueue() throws Exception {
        start();
        SessionRegistry<String> sessions = new SessionRegistry<>(clock::get, "mqtt.", store);
        String own = sessions.connect("member", "connection-1", false, SessionRegistry.NEVER).session().queue();
        sessions.connect("gone", "connection-2", false, SessionRegistry.NEVER);
        host.declareQueue(QueueSpec.named(own).asDurable(), null);
        Message queued = persistent("", own, "own");
        publishAndWait(queued);
        Message shared = sentFromGroup("shared");
        store.qos2Published("member", 1, queued.id()); // from its own queue: re-sent from there with its id
        store.qos2Published("member", 2, 999_999); // a message in no queue of its (a retained one): never re-sent
        store.sharedQos2Published(sharedSend("gone", 3, shared));
        store.sessionEnded("gone"); // the crash came before its packet ids were released
        waitForDisk();

        restart();

        assertThat(drain("group")).as("back to the group: its member's session ended").extracting(StoreTest::text)
                .containsExactly("shared");
        assertThat(store.recovery().heldPublishes()).isEmpty();
        assertThat(store.recovery().unansweredPublishes()).containsExactly(Map.entry("member",
                Map.of(queued.id(), 1)));
        waitForDisk();

        restart(); // The dropped ones' records were tombstoned.

        assertThat(store.recovery().unansweredPublishes()).containsExactly(Map.entry("member",
                Map.of(queued.id(), 1)));
        assertThat(drain("group")).extracting(StoreTest::text).containsExactly("shared");
    }

    @Test
    void sendAndHeldRecordsOfTheFirstFormatStillReadAndTheNewFieldsAreOnlyAppended() throws Exception {
        byte[] first = Payloads.published("member", 9, 77);
        RecordKey.Published old = Payloads.readPublished(new Payloads.Reader(first));
        assertThat(old).isEqualTo(new RecordKey.Published("member", 9, 77, null));
        Message message = Message.builder(77, "", "group").payload(new byte[0]).persistent(true).build();
        byte[] shared = Payloads.sharedPublished(sharedSend("member", 9, message));
        assertThat(Arrays.copyOf(shared, first.length)).as("a reader of the first format reads the same three fields")
                .isEqualTo(first);
        assertThat(Payloads.readPublished(new Payloads.Reader(shared)).from()).isEqualTo(
                new RecordKey.SharedSend("group", "group/t", true, 5_000_000, List.of(3, 4)));

        byte[] firstHeld = Payloads.held(new HeldPublish("member", 9, 2, "group/t", true, 5_000_000, List.of(3, 4),
                message, null));
        byte[] held = Payloads.held(sharedSend("member", 9, message));
        assertThat(Arrays.copyOf(held, firstHeld.length)).isEqualTo(firstHeld);
        assertThat(Payloads.readHeld(new Payloads.Reader(firstHeld)).queue()).as("not known").isNull();
        assertThat(Payloads.readHeld(new Payloads.Reader(held)).queue()).isEqualTo("group");
    }

    @Test
    void aQueueMadeDurableKeepsItsBindingsAndWhatEntersItFromThenOn() throws Exception {
        start();
        host.declareQueue(QueueSpec.named("grows"), null);
        host.bind(Binding.of("amq.topic", "grows", "t.#").asDollarProtected(), null);
        publishAndWait(persistent("amq.topic", "t.a", "before"));
        host.makeDurable("grows");
        host.makeDurable("grows"); // once is enough
        publishAndWait(persistent("amq.topic", "t.a", "after"));

        restart();

        assertThat(host.queue("grows", null).spec().durable()).isTrue();
        assertThat(host.bindings("amq.topic")).containsExactly(
                Binding.of("amq.topic", "grows", "t.#").asDollarProtected());
        assertThat(drain("grows")).extracting(StoreTest::text).containsExactly("after");
        assertThatThrownBy(() -> host.makeDurable("missing")).isInstanceOf(BrokerException.class);
    }

    @Test
    void pendingWillsSurviveUntilDone() throws Exception {
        start();
        store.willPending(new WillState("a", "status/a", 1, true, "gone".getBytes(), Map.of("content-type", "text"),
                5_000));
        store.willPending(new WillState("b", "status/b", 0, false, "b-1".getBytes(), Map.of(), 6_000));
        store.willPending(new WillState("b", "status/b", 0, false, "b-2".getBytes(), Map.of(), 7_000));
        store.willPending(new WillState("c", "status/c", 0, false, "c".getBytes(), Map.of(), 8_000));
        store.willDone("c");
        host.durableSince(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
        restart();

        Map<String, WillState> wills = new LinkedHashMap<>();
        store.recovery().pendingWills().forEach(will -> wills.put(will.clientId(), will));
        assertThat(wills).containsOnlyKeys("a", "b");
        assertThat(wills.get("a").topic()).isEqualTo("status/a");
        assertThat(wills.get("a").qos()).isEqualTo(1);
        assertThat(wills.get("a").retain()).isTrue();
        assertThat(wills.get("a").payload()).asString().isEqualTo("gone");
        assertThat(wills.get("a").properties()).containsEntry("content-type", "text");
        assertThat(wills.get("a").publishAt()).isEqualTo(5_000);
        assertThat(wills.get("b").payload()).asString().isEqualTo("b-2");
        assertThat(store.recovery().summary()).contains("2 wills");
    }

    @Test
    void aMessageLostToDamageIsCountedAndTheRestIsRestored() throws Exception {
        start();
        host.declareQueue(QueueSpec.named("q").asDurable(), null);
        for (int i = 1; i <= 3; i++) {
            publishAndWait(persistent("", "q", "m" + i));
        }
        store.close();
        Path segment = dir.resolve("00000000000000000001.seg");
        List<LogRecord> records = new ArrayList<>();
        SegmentScanner.scan(segment, 1, false, new SegmentScanner.Damage(), records::add);
        LogRecord body = records.stream().filter(r -> r.type() == RecordType.MESSAGE).skip(1).findFirst()
                .orElseThrow();
        byte[] file = java.nio.file.Files.readAllBytes(segment);
        file[(int) body.offset() + RecordFormat.HEADER + 3] ^= 0x10; // the body of m2
        java.nio.file.Files.write(segment, file);

        start();
        assertThat(drain("q")).extracting(StoreTest::text).containsExactly("m1", "m3");
        assertThat(store.recovery().lostEntries()).isEqualTo(1);
        assertThat(store.recovery().damagedStretches()).isEqualTo(1);
        assertThat(store.recovery().summary()).contains("2 messages")
                .contains("damaged stretches 1 (").contains("queued messages lost to damage 1");
    }

    @Test
    void aPublishThatTouchesNothingDurableIsDoneAtOnce() throws Exception {
        start();
        host.declareQueue(QueueSpec.named("transient"), null);
        DurablePublish publish = host.publishDurably(persistent("", "transient", "x"));
        assertThat(publish.durable().toCompletableFuture()).isCompleted();
        assertThat(publish.result().routed()).isEqualTo(1);
    }
}
