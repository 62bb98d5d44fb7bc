package dev.lintas.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;

class ConnectionPoolTest {

    @AutoClose("shutdownGracefully")
    private final EventLoopGroup loops = new DefaultEventLoopGroup(2);

    @Test
    void refusedReleasesLeaveTheCountAlone() {
        ConnectionPool pool = new ConnectionPool(loops, TimeUnit.SECONDS.toNanos(4), 2, new AtomicInteger());
        EmbeddedChannel closed = new EmbeddedChannel();
        closed.close();
        assertThat(pool.release(closed, System.nanoTime())).isFalse();
        assertThat(pool.release(closed, System.nanoTime())).isFalse();
        assertThat(pool.idle()).isZero();
        pool.close();
        assertThat(pool.release(new EmbeddedChannel(), System.nanoTime())).isFalse();
        assertThat(pool.idle()).isZero();
    }
}
