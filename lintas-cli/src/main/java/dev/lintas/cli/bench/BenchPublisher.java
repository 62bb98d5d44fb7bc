package dev.lintas.cli.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * One publishing connection. After {@link #start} it publishes to its topic, at the plan's rate or flat out, until
 * the measured phase ends (its count is sent or its time is up); messages sent before the measured phase starts
 * are the warm-up. Flat out still respects backpressure: it writes while the channel is writable and, at QoS 1 and
 * 2, while its in-flight window has room, and resumes when the channel drains or an acknowledgement frees a slot.
 *
 * <p>Threading: event loop only; {@link #start} hops onto it.
 */
final class BenchPublisher extends BenchConnection {

    /** The most publishes written in one go before the loop gets to read. */
    private static final int BATCH = 64;

    private enum State { CONNECTING, READY, SENDING, SETTLING, DONE }

    /** What one publisher did, taken once it has stopped sending. */
    record Result(int index, long warmupSent, long measuredSent, long firstMeasuredNanos, long lastMeasuredNanos,
            int unacknowledged, long refusedAcks) {
    }

    private final int index;
    private final String topic;
    private final PacketIds ids;
    private final CompletableFuture<Result> sendingEnded = new CompletableFuture<>();
    private final CompletableFuture<Result> settled = new CompletableFuture<>();
    private State state = State.CONNECTING;
    private RunClock clock;
    private long sequence;
    private long measuredSent;
    private long firstMeasuredNanos;
    private long lastMeasuredNanos;
    private long refusedAcks;
    private boolean pumpScheduled;
    private boolean ackedSinceRead;

    BenchPublisher(MqttBenchPlan plan, int index) {
        super(plan, plan.clientId('p', index));
        this.index = index;
        this.topic = plan.publishTopic(index);
        this.ids = new PacketIds(plan.inflight());
    }

    /** Completes when this publisher stops sending, with what it sent. */
    CompletableFuture<Result> sendingEnded() {
        return sendingEnded;
    }

    /** Completes when every QoS 1 or 2 publish it sent has been acknowledged (at once at QoS 0). */
    CompletableFuture<Result> settled() {
        return settled;
    }

    /** What it has sent and how many acknowledgements are still missing, taken on its event loop. */
    CompletableFuture<Result> snapshot() {
        return CompletableFuture.supplyAsync(this::result, ctx.executor());
    }

    /** Starts publishing on the event loop; the clock's times are when the warm-up and the measured phase run. */
    void start(RunClock clock) {
        ctx.executor().execute(() -> {
            this.clock = clock;
            if (state != State.READY) {
                return;   // failed before the start; the run reports why
            }
            state = State.SENDING;
            // Wakes the publisher when the measured phase ends, even if it is waiting for the socket to drain.
            ctx.executor().schedule(this::pump, Math.max(0, clock.measureEndNanos() - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            pump();
        });
    }

    @Override
    protected void connected(MqttConnAckMessage connAck) {
        if (plan.version() == MqttVersion.MQTT_5) {
            var receiveMaximum = connAck.variableHeader().properties()
                    .getProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value());
            if (receiveMaximum != null && (Integer) receiveMaximum.value() < ids.window()) {
                ids.limit((Integer) receiveMaximum.value());
            }
        }
        state = State.READY;
        markReady();
    }

    @Override
    protected void received(MqttMessage message) {
        MqttMessageType type = message.fixedHeader().messageType();
        if (type == MqttMessageType.PUBACK && plan.qos() == MqttQoS.AT_LEAST_ONCE
                || type == MqttMessageType.PUBCOMP && plan.qos() == MqttQoS.EXACTLY_ONCE) {
            acknowledged(message);
        } else if (type == MqttMessageType.PUBREC && plan.qos() == MqttQoS.EXACTLY_ONCE) {
            int id = packetId(message);
            if (!ids.inUse(id)) {
                fail("PUBREC for packet id " + id + ", which is not in flight");
                return;
            }
            countRefusal(message);
            ctx.write(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE,
                    false, 2), MqttMessageIdVariableHeader.from(id)));
        } else {
            fail("unexpected " + type + " from the server");
        }
    }

    @Override
    public void channelReadComplete(io.netty.channel.ChannelHandlerContext ctx) {
        ctx.flush();   // PUBRELs written while reading
        if (ackedSinceRead) {
            ackedSinceRead = false;
            pump();
        }
    }

    @Override
    public void channelWritabilityChanged(io.netty.channel.ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            pump();
        }
    }

    @Override
    protected void ended() {
        if (state != State.DONE) {
            // The connection is gone: what is in flight will never be acknowledged.
            state = State.DONE;
            Result result = result();
            sendingEnded.complete(result);
            settled.complete(result);
        }
    }

    private void acknowledged(MqttMessage message) {
        int id = packetId(message);
        if (!ids.release(id)) {
            fail(message.fixedHeader().messageType() + " for packet id " + id + ", which is not in flight");
            return;
        }
        countRefusal(message);
        if (state == State.SETTLING && ids.inUse() == 0) {
            finish();
        } else {
            ackedSinceRead = true;
        }
    }

    /** A v5 reason code of 0x80 or more refuses the publish; 0x10 (no matching subscribers) is still a success. */
    private void countRefusal(MqttMessage message) {
        if (message.variableHeader() instanceof MqttPubReplyMessageVariableHeader reply
                && (reply.reasonCode() & 0xFF) >= 0x80) {
            refusedAcks++;
        }
    }

    private static int packetId(MqttMessage message) {
        return ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
    }

    /** Publishes what is due, at most {@link #BATCH} messages, then yields to the event loop if there is more. */
    private void pump() {
        pumpScheduled = false;
        if (state != State.SENDING) {
            return;
        }
        boolean wrote = false;
        boolean more = false;
        long now = System.nanoTime();
        for (int i = 0; i < BATCH; i++) {
            if (now >= clock.measureEndNanos() || plan.count() > 0 && measuredSent >= plan.count()) {
                stopSending();
                break;
            }
            if (!ctx.channel().isWritable() || plan.qos() != MqttQoS.AT_MOST_ONCE && ids.full()) {
                break;   // channelWritabilityChanged or an acknowledgement resumes
            }
            if (plan.ratePerSecond() > 0) {
                long due = clock.startNanos() + (long) (sequence * 1e9 / plan.ratePerSecond());
                if (due > now) {
                    schedulePump(due - now);
                    break;
                }
            }
            publish(now);
            wrote = true;
            more = i == BATCH - 1;
            now = System.nanoTime();
        }
        if (wrote) {
            ctx.flush();
        }
        if (more) {
            schedulePump(0);
        }
    }

    private void schedulePump(long delayNanos) {
        if (!pumpScheduled) {
            pumpScheduled = true;
            if (delayNanos <= 0) {
                ctx.executor().execute(this::pump);
            } else {
                ctx.executor().schedule(this::pump, delayNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void publish(long now) {
        boolean measured = now >= clock.measureStartNanos();
        int id = plan.qos() == MqttQoS.AT_MOST_ONCE ? 0 : ids.take();
        var header = plan.version() == MqttVersion.MQTT_5
                ? new MqttPublishVariableHeader(topic, id, MqttProperties.NO_PROPERTIES)
                : new MqttPublishVariableHeader(topic, id);
        var payload = BenchPayload.write(ctx.alloc(), plan.payloadSize(), measured, index, sequence++, now);
        ctx.write(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, plan.qos(), false, 0),
                header, payload), ctx.voidPromise());
        if (measured) {
            if (measuredSent++ == 0) {
                firstMeasuredNanos = now;
            }
            lastMeasuredNanos = now;
        }
    }

    private void stopSending() {
        state = State.SETTLING;
        sendingEnded.complete(result());
        if (plan.qos() == MqttQoS.AT_MOST_ONCE || ids.inUse() == 0) {
            finish();
        }
    }

    private void finish() {
        state = State.DONE;
        settled.complete(result());
    }

    private Result result() {
        return new Result(index, sequence - measuredSent, measuredSent, firstMeasuredNanos, lastMeasuredNanos,
                plan.qos() == MqttQoS.AT_MOST_ONCE ? 0 : ids.inUse(), refusedAcks);
    }

    /** When the run's phases begin and end, in {@link System#nanoTime()}. */
    record RunClock(long startNanos, long measureStartNanos, long measureEndNanos) {
    }
}
