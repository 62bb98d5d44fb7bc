package dev.lintas.broker.mqtt;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.VirtualHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fuzz target of the MQTT decoding path: arbitrary bytes go through the production pipeline of
 * {@link MqttInitializer} (decoder, idle handler, validator, encoder, {@link MqttHandler}) on an embedded channel,
 * over a real {@link MqttBroker} on a {@link VirtualHost}. Whatever the bytes, nothing may throw out of the pipeline,
 * the handler may not end a connection on an exception of its own ("closing, error: ..."), and nothing may leak:
 * Netty's leak detector runs at paranoid and {@code LeakDetection} fails the class on a report.
 * <p>
 * In a normal build Jazzer runs in regression mode: each file of the seed corpus,
 * {@code src/test/resources/dev/lintas/broker/mqtt/MqttPipelineFuzzTestInputs/decodingPath/}, is one input. With
 * {@code JAZZER_FUZZ=1} it fuzzes instead; the module's README says how.
 */
class MqttPipelineFuzzTest {

    private static final MqttSettings SETTINGS = MqttSettings.DEFAULTS.toBuilder()
            .maxPacketSize(64 * 1024).maxQueuedMessages(1000).deliveryWindow(16).build();
    private static final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private static final Logger handlerLog = (Logger) LoggerFactory.getLogger(MqttHandler.class);
    private static final List<String> handlerErrors = new CopyOnWriteArrayList<>();
    private static final AppenderBase<ILoggingEvent> errorCatcher = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getFormattedMessage().contains("closing, error:")) {
                handlerErrors.add(event.getFormattedMessage());
            }
        }
    };
    private static Level savedLevel;

    /** An embedded channel that says its peer is on loopback, so that anonymous clients are let in. */
    private static final class LoopbackChannel extends EmbeddedChannel {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("127.0.0.1", 40_000);
        }
    }

    @BeforeAll
    static void catchHandlerErrors() {
        // The handler logs each close at INFO; they are caught here instead of filling the console.
        savedLevel = handlerLog.getLevel();
        handlerLog.setLevel(Level.INFO);
        handlerLog.setAdditive(false);
        errorCatcher.setContext(handlerLog.getLoggerContext());
        errorCatcher.start();
        handlerLog.addAppender(errorCatcher);
    }

    @AfterAll
    static void restoreLogging() {
        handlerLog.detachAppender(errorCatcher);
        handlerLog.setAdditive(true);
        handlerLog.setLevel(savedLevel);
    }

    @FuzzTest(maxDuration = "2m")
    void decodingPath(byte[] input) {
        handlerErrors.clear();
        // A broker of its own for each input, so that an input that fails fails again alone, and sessions do not
        // pile up over a long fuzzing run.
        MqttDrops drops = new MqttDrops(QueueJournal.NONE);
        MqttBroker broker = new MqttBroker(new VirtualHost("/", System::currentTimeMillis, drops),
                System::currentTimeMillis, SETTINGS, drops);
        LoopbackChannel channel = new LoopbackChannel();
        channel.pipeline().addLast(new MqttInitializer(broker, SETTINGS, connections));
        // In two reads, split where the first byte says, so that packets also reach the decoder in pieces.
        int split = input.length == 0 ? 0 : (input[0] & 0xFF) % (input.length + 1);
        read(channel, Unpooled.wrappedBuffer(input, 0, split));
        read(channel, Unpooled.wrappedBuffer(input, split, input.length - split));
        channel.runPendingTasks();
        // Past the CONNECT timeout and any keep-alive: the idle path runs too.
        channel.advanceTimeBy(1, TimeUnit.DAYS);
        channel.runPendingTasks();
        channel.checkException();
        channel.finishAndReleaseAll();
        channel.checkException();
        assertThat(channel.isOpen()).isFalse();
        assertThat(handlerErrors).as("connections the handler closed on an exception").isEmpty();
    }

    /** Hands {@code bytes} to the pipeline as one read, unless the channel is already closed. */
    private static void read(EmbeddedChannel channel, ByteBuf bytes) {
        if (channel.isOpen()) {
            channel.writeInbound(bytes);
            for (Object out = channel.readInbound(); out != null; out = channel.readInbound()) {
                ReferenceCountUtil.release(out); // Nothing is expected past the handler, but nothing may leak.
            }
        } else {
            bytes.release();
        }
    }
}
