package dev.lintas.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;

class ConnectionPoolTest {

    private static final long KEEPALIVE = TimeUnit.SECONDS.toNanos(4);

    @AutoClose("shutdownGracefully")
    private final EventLoopGroup loops = new DefaultEventLoopGroup(2);
    private final List<Channel> opened = new ArrayList<>();
    private Channel server;

    @AfterEach
    void closeAll() {
        opened.forEach(Channel::close);
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }

    @Test
    void refusedReleasesLeaveTheCountAlone() {
        ConnectionPool pool = new ConnectionPool(loops, KEEPALIVE, 2, new AtomicInteger());
        EmbeddedChannel closed = new EmbeddedChannel();
        closed.close();
        assertThat(pool.release(closed, System.nanoTime())).isFalse();
        assertThat(pool.release(closed, System.nanoTime())).isFalse();
        assertThat(pool.idle()).isZero();
        pool.close();
        assertThat(pool.release(new EmbeddedChannel(), System.nanoTime())).isFalse();
        assertThat(pool.idle()).isZero();
    }

    @Test
    void theConnectionIdleLongestIsTakenFirst() {
        EventLoop loop = loops.next();
        ConnectionPool pool = new ConnectionPool(loops, KEEPALIVE, 8, new AtomicInteger());
        Channel a = connect(loop);
        Channel b = connect(loop);
        Channel c = connect(loop);
        long t = System.nanoTime();
        assertThat(pool.release(a, t)).isTrue();
        assertThat(pool.release(b, t + 1)).isTrue();
        assertThat(pool.release(c, t + 2)).isTrue();

        // Reused in turn, each going to the back when released again: the load spreads over all three.
        List<Channel> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Channel taken = pool.acquire(loop, t + 10 + i);
            order.add(taken);
            pool.release(taken, t + 10 + i);
        }
        assertThat(order).containsExactly(a, b, c, a, b, c);
        assertThat(pool.idle()).isEqualTo(3);
    }

    @Test
    void connectionsIdleForTheKeepaliveTimeoutAreClosedWhenTheirTurnComes() {
        EventLoop loop = loops.next();
        ConnectionPool pool = new ConnectionPool(loops, KEEPALIVE, 8, new AtomicInteger());
        Channel old = connect(loop);
        Channel recent = connect(loop);
        long t = System.nanoTime();
        pool.release(old, t);
        pool.release(recent, t + KEEPALIVE / 2);

        assertThat(pool.acquire(loop, t + KEEPALIVE)).isSameAs(recent);
        assertThat(old.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.idle()).isZero();
        assertThat(pool.acquire(loop, t + KEEPALIVE)).isNull();
    }

    /** An open channel registered on {@code loop}, connected to a local server that does nothing. */
    private Channel connect(EventLoop loop) {
        if (server == null) {
            server = new ServerBootstrap().group(loops).channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                        }
                    })
                    .bind(LocalAddress.ANY).syncUninterruptibly().channel();
        }
        Channel channel = new Bootstrap().group(loop).channel(LocalChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).syncUninterruptibly().channel();
        opened.add(channel);
        assertThat(channel.isActive()).isTrue();
        return channel;
    }
}
