package dev.lintas.cli.bench;

import java.util.concurrent.CompletableFuture;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * One subscribing connection: it subscribes to its one filter, is {@link #ready()} on a successful SUBACK, and then
 * tallies every PUBLISH, answering PUBACK at QoS 1 and PUBREC then PUBCOMP at QoS 2. Answers are flushed once per
 * read, not once per message.
 *
 * <p>Threading: event loop only; {@link #expect} and {@link #snapshot} hop onto it.
 */
final class BenchSubscriber extends BenchConnection {

    private static final int SUBSCRIBE_PACKET_ID = 1;

    private final String filter;
    private final ReceiveTally tally;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private long expected = -1;
    private int grantedQos = -1;
    private boolean wrote;

    @Override
    protected boolean persistentSession() {
        return plan.persistentSessions();
    }

    BenchSubscriber(MqttBenchPlan plan, int index) {
        super(plan, plan.clientId('s', index));
        this.filter = plan.subscription(index);
        this.tally = new ReceiveTally(plan.publishers());
    }

    /** Completes once {@code measured} distinct measured messages have arrived (given by {@link #expect}). */
    CompletableFuture<Void> drained() {
        return drained;
    }

    /** Tells the subscriber when the measured phase runs, before any publisher starts. */
    CompletableFuture<Void> prepare(BenchPublisher.RunClock clock) {
        return CompletableFuture.runAsync(() -> tally.window(clock.measureStartNanos(), clock.measureEndNanos()),
                ctx.executor());
    }

    /** Sets how many measured messages this subscriber should get, now that every publisher has stopped. */
    void expect(long measured) {
        ctx.executor().execute(() -> {
            expected = measured;
            checkDrained();
        });
    }

    /** A copy of the tally and the granted QoS, taken on the event loop. */
    CompletableFuture<Snapshot> snapshot() {
        return CompletableFuture.supplyAsync(() -> new Snapshot(tally.copy(), grantedQos), ctx.executor());
    }

    record Snapshot(ReceiveTally tally, int grantedQos) {
    }

    @Override
    protected void connected(MqttConnAckMessage connAck) {
        ctx.writeAndFlush(MqttMessageBuilders.subscribe()
                .messageId(SUBSCRIBE_PACKET_ID)
                .addSubscription(plan.qos(), filter)
                .build());
    }

    @Override
    protected void received(MqttMessage message) {
        switch (message.fixedHeader().messageType()) {
            case SUBACK -> subscribed((MqttSubAckMessage) message);
            case PUBLISH -> published((MqttPublishMessage) message);
            case PUBREL -> answer(MqttMessageType.PUBCOMP, message);
            default -> fail("unexpected " + message.fixedHeader().messageType() + " from the server");
        }
    }

    private void subscribed(MqttSubAckMessage subAck) {
        var codes = subAck.payload().reasonCodes();
        int code = codes.isEmpty() ? 0x80 : codes.get(0);
        boolean v5 = plan.version() == MqttVersion.MQTT_5;
        if (code >= 0x80 || !v5 && code > 2) {
            fail("the server refused SUBSCRIBE " + filter + " with 0x" + Integer.toHexString(code));
            return;
        }
        grantedQos = code;
        markReady();
    }

    private void published(MqttPublishMessage publish) {
        tally.record(publish.payload(), System.nanoTime());
        MqttQoS qos = publish.fixedHeader().qosLevel();
        if (qos == MqttQoS.AT_LEAST_ONCE) {
            answer(MqttMessageType.PUBACK, publish);
        } else if (qos == MqttQoS.EXACTLY_ONCE) {
            answer(MqttMessageType.PUBREC, publish);
        }
        checkDrained();
    }

    private void answer(MqttMessageType type, MqttMessage to) {
        int id = to instanceof MqttPublishMessage publish ? publish.variableHeader().packetId()
                : ((MqttMessageIdVariableHeader) to.variableHeader()).messageId();
        ctx.write(new MqttMessage(new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, 2),
                MqttMessageIdVariableHeader.from(id)), ctx.voidPromise());
        wrote = true;
    }

    private void checkDrained() {
        if (expected >= 0 && tally.measured() >= expected) {
            drained.complete(null);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (wrote) {
            wrote = false;
            ctx.flush();
        }
    }
}
