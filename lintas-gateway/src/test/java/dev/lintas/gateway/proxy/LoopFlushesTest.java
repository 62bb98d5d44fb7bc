package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;

class LoopFlushesTest {

    @Test
    void flushesWaitForTheEndOfThePassAndThenAllGoOut() {
        List<String> flushed = new ArrayList<>();
        EmbeddedChannel first = new EmbeddedChannel(countFlushes(flushed, "first"));
        EmbeddedChannel second = new EmbeddedChannel(countFlushes(flushed, "second"));
        first.write("a");
        second.write("b");

        // Both asked during the same pass of first's loop: nothing goes out until that pass has ended.
        LoopFlushes.flushAfterPass(first, first.eventLoop());
        LoopFlushes.flushAfterPass(second, first.eventLoop());
        assertThat(flushed).isEmpty();
        assertThat((Object) first.readOutbound()).isNull();
        assertThat((Object) second.readOutbound()).isNull();

        first.runPendingTasks();
        assertThat(flushed).containsExactly("first", "second");
        assertThat((Object) first.readOutbound()).isEqualTo("a");
        assertThat((Object) second.readOutbound()).isEqualTo("b");

        // The next pass schedules its own flush again.
        first.write("c");
        LoopFlushes.flushAfterPass(first, first.eventLoop());
        assertThat((Object) first.readOutbound()).isNull();
        first.runPendingTasks();
        assertThat((Object) first.readOutbound()).isEqualTo("c");
        assertThat(flushed).containsExactly("first", "second", "first");
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void aChannelOverItsHighWaterMarkIsFlushedAtOnce() {
        List<String> flushed = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(countFlushes(flushed, "full"));
        int high = channel.config().getWriteBufferHighWaterMark();
        channel.write(Unpooled.wrappedBuffer(new byte[high + 1]));
        assertThat(channel.isWritable()).isFalse();

        LoopFlushes.flushAfterPass(channel, channel.eventLoop());
        assertThat(flushed).containsExactly("full");
        assertThat(channel.isWritable()).isTrue();
        ByteBuf out = channel.readOutbound();
        assertThat(out.readableBytes()).isEqualTo(high + 1);
        out.release();
        channel.runPendingTasks();
        assertThat(flushed).containsExactly("full");
        channel.finishAndReleaseAll();
    }

    @Test
    void aLoopThatIsShuttingDownFlushesAtOnce() {
        List<String> flushed = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(countFlushes(flushed, "late"));
        DefaultEventLoop stopped = new DefaultEventLoop();
        stopped.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        channel.write("a");

        LoopFlushes.flushAfterPass(channel, stopped);
        assertThat(flushed).containsExactly("late");
        assertThat((Object) channel.readOutbound()).isEqualTo("a");

        // Nothing is left marked as scheduled: the next pass schedules its flush as usual.
        channel.write("b");
        LoopFlushes.flushAfterPass(channel, channel.eventLoop());
        assertThat((Object) channel.readOutbound()).isNull();
        channel.runPendingTasks();
        assertThat((Object) channel.readOutbound()).isEqualTo("b");
        channel.finishAndReleaseAll();
    }

    private static ChannelOutboundHandlerAdapter countFlushes(List<String> flushed, String name) {
        return new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushed.add(name);
                ctx.flush();
            }
        };
    }
}
