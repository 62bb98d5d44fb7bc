package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.VirtualHost;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline's channel settings; the pipeline's handlers are exercised by every other test of this package. */
class MqttInitializerTest {

    @Test
    void aConnectionReadsAtMostOneBufferOfEightKibPerTurnSoThatAFloodingPublisherCannotHoldItsEventLoop() {
        MqttDrops drops = new MqttDrops(QueueJournal.NONE);
        MqttBroker broker = new MqttBroker(new VirtualHost("/", System::currentTimeMillis, drops),
                System::currentTimeMillis, MqttSettings.DEFAULTS, drops);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new MqttInitializer(broker, MqttSettings.DEFAULTS,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)));

        RecvByteBufAllocator allocator = channel.config().getRecvByteBufAllocator();
        assertThat(allocator).isInstanceOf(MaxMessagesRecvByteBufAllocator.class);
        assertThat(((MaxMessagesRecvByteBufAllocator) allocator).maxMessagesPerRead()).isEqualTo(1);
        RecvByteBufAllocator.Handle handle = allocator.newHandle();
        // The adaptive size only grows after full reads; the largest it may reach is the bound.
        for (int i = 0; i < 20; i++) {
            handle.reset(channel.config());
            handle.lastBytesRead(handle.guess());
            handle.incMessagesRead(1);
            assertThat(handle.continueReading()).isFalse();
            handle.readComplete();
        }
        var buffer = handle.allocate(ByteBufAllocator.DEFAULT);
        try {
            assertThat(buffer.writableBytes()).isLessThanOrEqualTo(MqttInitializer.MAX_READ_BYTES);
            assertThat(handle.guess()).isEqualTo(MqttInitializer.MAX_READ_BYTES);
        } finally {
            buffer.release();
            channel.close();
        }
    }
}
