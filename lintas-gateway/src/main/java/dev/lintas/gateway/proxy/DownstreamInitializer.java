package dev.lintas.gateway.proxy;

import dev.lintas.gateway.config.ListenerConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;

/**
 * The pipeline of a client connection, in one place:
 * <pre>
 * timeouts -> codec -> proxy
 * </pre>
 * {@code timeouts} closes clients that send their request head too slowly and connections where nothing moves,
 * {@code codec} is strict HTTP/1.1, and {@code proxy} runs the exchanges.
 */
public final class DownstreamInitializer extends ChannelInitializer<Channel> {

    static final String TIMEOUTS = "timeouts";
    static final String CODEC = "codec";
    static final String PROXY = "proxy";

    private final ProxyContext context;

    public DownstreamInitializer(ProxyContext context) {
        this.context = context;
    }

    @Override
    protected void initChannel(Channel ch) {
        ListenerConfig listener = context.listener();
        DownstreamTimeouts timeouts = new DownstreamTimeouts(listener.headerTimeout().toNanos(),
                listener.idleTimeout().toNanos());
        context.track(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast(TIMEOUTS, timeouts);
        DownstreamCodec codec = new DownstreamCodec(listener.maxHeaderSize());
        p.addLast(CODEC, codec);
        p.addLast(PROXY, new DownstreamHandler(context, timeouts, codec));
    }

    /** Closes a client connection that sits between requests; others finish their exchange first. Its loop only. */
    public static void closeIfIdle(Channel ch) {
        if (ch.pipeline().get(PROXY) instanceof DownstreamHandler handler && handler.idle()) {
            ch.close();
        }
    }
}
