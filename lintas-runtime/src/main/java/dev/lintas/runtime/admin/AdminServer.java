package dev.lintas.runtime.admin;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.lintas.runtime.RuntimeContext;
import dev.lintas.runtime.net.Listeners;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * The admin listener: {@code GET /health}, {@code GET /metrics} in Prometheus text, and {@code POST /reload}.
 */
public final class AdminServer {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final RuntimeContext context;
    private final Supplier<CompletableFuture<String>> reload;
    private Listeners.Entry entry;
    private Channel channel;

    /**
     * @param reload what {@code POST /reload} runs; it completes with a short result for the caller, or fails
     *               with the reason the new config was refused
     */
    public AdminServer(RuntimeContext context, Supplier<CompletableFuture<String>> reload) {
        this.context = context;
        this.reload = reload;
    }

    /** Binds the listener; the returned future fails when the address cannot be bound. */
    public CompletableFuture<InetSocketAddress> start(AdminConfig config) {
        entry = context.listeners().add("admin");
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        new ServerBootstrap()
                .group(context.loops())
                .channel(context.transport().serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("timeout", new ReadTimeoutHandler(30));
                        p.addLast("codec", new HttpServerCodec());
                        p.addLast("aggregator", new HttpObjectAggregator(64 * 1024));
                        p.addLast("admin", new AdminHandler());
                    }
                })
                .bind(config.listen().resolve())
                .addListener((ChannelFutureListener) future -> {
                    if (future.isSuccess()) {
                        channel = future.channel();
                        InetSocketAddress address = (InetSocketAddress) channel.localAddress();
                        entry.up(address);
                        log.info("admin listening on {}", address);
                        bound.complete(address);
                    } else {
                        bound.completeExceptionally(future.cause());
                    }
                });
        return bound;
    }

    public void stop() {
        if (entry != null) {
            entry.down();
            context.listeners().remove(entry);
        }
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    private final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n", false);
                return;
            }
            String path = request.uri();
            int query = path.indexOf('?');
            if (query >= 0) {
                path = path.substring(0, query);
            }
            HttpMethod method = request.method();
            switch (path) {
                case "/health" -> {
                    if (!isRead(method)) {
                        notAllowed(ctx, "GET", keepAlive);
                    } else if (context.listeners().allUp()) {
                        respond(ctx, HttpResponseStatus.OK, "text/plain", "ok\n", keepAlive);
                    } else {
                        respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", downList(), keepAlive);
                    }
                }
                case "/metrics" -> {
                    if (!isRead(method)) {
                        notAllowed(ctx, "GET", keepAlive);
                    } else {
                        respond(ctx, HttpResponseStatus.OK, PROMETHEUS_TEXT, context.metrics().scrape(), keepAlive);
                    }
                }
                case "/reload" -> {
                    if (!method.equals(HttpMethod.POST)) {
                        notAllowed(ctx, "POST", keepAlive);
                    } else {
                        reload.get().whenComplete((result, failure) -> ctx.executor().execute(() -> {
                            if (failure == null) {
                                respond(ctx, HttpResponseStatus.OK, "text/plain", result + "\n", keepAlive);
                            } else {
                                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                                respond(ctx, HttpResponseStatus.UNPROCESSABLE_ENTITY, "text/plain",
                                        cause.getMessage() + "\n", keepAlive);
                            }
                        }));
                    }
                }
                default -> respond(ctx, HttpResponseStatus.NOT_FOUND, "text/plain",
                        "not found; the admin listener serves /health, /metrics and POST /reload\n", keepAlive);
            }
        }

        private static boolean isRead(HttpMethod method) {
            return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        }

        private String downList() {
            StringBuilder text = new StringBuilder("unavailable:");
            for (Listeners.Entry listener : context.listeners().all()) {
                if (!listener.isUp()) {
                    text.append(' ').append(listener.name());
                }
            }
            return text.append('\n').toString();
        }

        private void notAllowed(ChannelHandlerContext ctx, String allow, boolean keepAlive) {
            FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                    "method not allowed\n", keepAlive);
            response.headers().set(HttpHeaderNames.ALLOW, allow);
            send(ctx, response, keepAlive);
        }

        private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body,
                boolean keepAlive) {
            send(ctx, response(status, type, body, keepAlive), keepAlive);
        }

        private static FullHttpResponse response(HttpResponseStatus status, String type, String body,
                boolean keepAlive) {
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, type)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            HttpUtil.setKeepAlive(response, keepAlive);
            return response;
        }

        private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            var write = ctx.writeAndFlush(response);
            if (!keepAlive) {
                write.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("admin connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
