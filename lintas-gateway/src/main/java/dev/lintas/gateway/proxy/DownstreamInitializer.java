package dev.lintas.gateway.proxy;

import java.util.concurrent.TimeUnit;

import dev.lintas.gateway.config.ListenerConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * The pipeline of a client connection, in one place:
 * <pre>
 * timeouts -> idle -> codec -> proxy
 * </pre>
 * {@code timeouts} closes clients that send their request head too slowly, {@code idle} closes connections
 * where nothing moves, {@code codec} is strict HTTP/1.1, and {@code proxy} runs the exchanges.
 */
public final class DownstreamInitializer extends ChannelInitializer<Channel> {

    static final String TIMEOUTS = "timeouts";
    static final String IDLE = "idle";
    static final String CODEC = "codec";
    static final String PROXY = "proxy";

    private final ProxyContext context;

    public DownstreamInitializer(ProxyContext context) {
        this.context = context;
    }

    @Override
    protected void initChannel(Channel ch) {
        ListenerConfig listener = context.listener();
        DownstreamTimeouts timeouts = new DownstreamTimeouts(listener.headerTimeout().toNanos());
        context.track(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast(TIMEOUTS, timeouts);
        p.addLast(IDLE, new IdleStateHandler(true, 0, 0, listener.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
        p.addLast(CODEC, new DownstreamCodec(listener.maxHeaderSize()));
        p.addLast(PROXY, new DownstreamHandler(context, timeouts));
    }

    /** Closes a client connection that sits between requests; others finish their exchange first. Its loop only. */
    public static void closeIfIdle(Channel ch) {
        if (ch.pipeline().get(PROXY) instanceof DownstreamHandler handler && handler.idle()) {
            ch.close();
        }
    }
}
