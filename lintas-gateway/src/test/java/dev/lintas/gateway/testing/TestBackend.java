package dev.lintas.gateway.testing;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * An HTTP/1.1 server for tests, on port 0 of 127.0.0.1, that streams everything and never holds a whole body.
 * <ul>
 *   <li>{@code /echo}: the request body back, chunked, read as it is written;</li>
 *   <li>{@code /sink}: reads the body and answers with its length;</li>
 *   <li>{@code /bytes/N}: N bytes of body, written as the client reads them;</li>
 *   <li>{@code /status/N}: an empty answer with status N;</li>
 *   <li>{@code /headers}: the request head as text, one header a line;</li>
 *   <li>{@code /delay/MS}: the backend's name after MS milliseconds;</li>
 *   <li>{@code /close}: the backend's name with {@code Connection: close}; a later request on that connection
 *   is answered by a reset;</li>
 *   <li>{@code /stall}: a head announcing 100 bytes, 10 of them, and then nothing;</li>
 *   <li>{@code /hold}: a head announcing 10 bytes and 5 of them ({@code hello}); the other 5 ({@code world})
 *   when the test calls {@link #releaseHeld()};</li>
 *   <li>{@code /ws}: a WebSocket that says {@code hello} first, then echoes text frames;</li>
 *   <li>{@code /health}: 200, or 503 while {@link #unhealthy(boolean)} says so;</li>
 *   <li>anything else: the backend's name.</li>
 * </ul>
 * Every response carries {@code X-Backend: NAME}. {@link #kill()} drops the listener and every connection with a
 * reset, as a crashed process would; {@link #restart()} binds the same port again.
 */
public final class TestBackend implements AutoCloseable {

    private static final EventLoopGroup LOOPS = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    private final String name;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, AtomicInteger> byPath = new ConcurrentHashMap<>();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final Set<ChannelHandlerContext> held = ConcurrentHashMap.newKeySet();
    private volatile boolean unhealthy;
    private volatile boolean resetRequests;
    private volatile boolean resetReused;
    private volatile Channel server;
    private volatile int port;

    private TestBackend(String name) {
        this.name = name;
    }

    public static TestBackend start(String name) {
        TestBackend backend = new TestBackend(name);
        backend.bind(0);
        return backend;
    }

    private void bind(int wanted) {
        server = new ServerBootstrap()
                .group(LOOPS)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(),
                                new Router());
                        ch.read();
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", wanted))
                .syncUninterruptibly()
                .channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, as written in a config's server list. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int requests() {
        return requests.get();
    }

    public int requests(String path) {
        AtomicInteger count = byPath.get(path);
        return count == null ? 0 : count.get();
    }

    public long bytesReceived() {
        return bytesReceived.get();
    }

    /** Ends every {@code /hold} response begun so far. */
    public void releaseHeld() {
        for (ChannelHandlerContext ctx : held) {
            held.remove(ctx);
            ctx.executor().execute(() -> ctx.writeAndFlush(new DefaultLastHttpContent(
                    Unpooled.copiedBuffer("world", StandardCharsets.US_ASCII))));
        }
    }

    /** Whether a {@code /hold} response waits for {@link #releaseHeld()}. */
    public boolean holding() {
        return !held.isEmpty();
    }

    /** Body bytes written by {@code /bytes/N} so far. */
    public long bytesSent() {
        return bytesSent.get();
    }

    public void unhealthy(boolean value) {
        unhealthy = value;
    }

    /** While set, every request head is answered by resetting the connection, as a crashing handler would. */
    public void resetRequests(boolean value) {
        resetRequests = value;
    }

    /**
     * While set, a request that is not the first on its connection is answered by a reset, as when a server
     * drops a keep-alive connection just as a request goes out on it.
     */
    public void resetReusedConnections(boolean value) {
        resetReused = value;
    }

    /** Closes the listener and resets every open connection, as a crash would. */
    public void kill() {
        server.close().syncUninterruptibly();
        for (Channel channel : connections) {
            try {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (io.netty.channel.ChannelException closedMeanwhile) {
                // the peer closed it first: nothing left to reset
            }
        }
        connections.close().syncUninterruptibly();
    }

    /** Binds the port it had before {@link #kill()}. */
    public void restart() {
        bind(port);
    }

    @Override
    public void close() {
        kill();
    }

    /** One connection: picks a behaviour per request. Event loop only. */
    private final class Router extends ChannelInboundHandlerAdapter {
        private String path = "";
        private HttpRequest request;
        private long received;
        private int onThisConnection;
        private boolean closeSaid;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                requests.incrementAndGet();
                this.request = request;
                String uri = request.uri();
                int query = uri.indexOf('?');
                path = query < 0 ? uri : uri.substring(0, query);
                byPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                received = 0;
                onThisConnection++;
                if (resetRequests || closeSaid || (resetReused && onThisConnection > 1)) {
                    ReferenceCountUtil.release(msg);
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    ctx.close();
                    return;
                }
                if (path.equals("/ws")) {
                    ctx.pipeline().addLast(new HttpObjectAggregator(8192),
                            new WebSocketServerProtocolHandler("/ws"), new WebSocketEcho());
                    ctx.pipeline().remove(this);
                    ctx.fireChannelRead(msg);
                    ctx.channel().config().setAutoRead(true);
                    return;
                }
                if (path.equals("/echo")) {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setTransferEncodingChunked(head, true);
                    head.headers().set("X-Backend", name);
                    ctx.writeAndFlush(head);
                }
                if (!(msg instanceof HttpContent)) {
                    ctx.read();
                    return;
                }
            }
            if (msg instanceof HttpContent part) {
                int size = part.content().readableBytes();
                received += size;
                bytesReceived.addAndGet(size);
                boolean last = part instanceof LastHttpContent;
                if (path.equals("/echo")) {
                    ctx.writeAndFlush(last ? part : new DefaultHttpContent(part.content()))
                            .addListener((ChannelFutureListener) f -> {
                                if (f.isSuccess() && !last) {
                                    ctx.read();
                                }
                            });
                    if (last) {
                        ctx.read();
                    }
                    return;
                }
                part.release();
                if (last) {
                    respond(ctx);
                }
                ctx.read();
                return;
            }
            ReferenceCountUtil.release(msg);
        }

        private void respond(ChannelHandlerContext ctx) {
            if (path.startsWith("/bytes/")) {
                long size = Long.parseLong(path.substring(7));
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setContentLength(head, size);
                head.headers().set("X-Backend", name);
                ctx.write(head);
                new Streamer(ctx, size, bytesSent).run();
            } else if (path.startsWith("/status/")) {
                send(ctx, HttpResponseStatus.valueOf(Integer.parseInt(path.substring(8))), "");
            } else if (path.equals("/headers")) {
                StringBuilder text = new StringBuilder(request.method() + " " + request.uri() + "\n");
                request.headers().forEach(h -> text.append(h.getKey()).append(": ").append(h.getValue()).append('\n'));
                send(ctx, HttpResponseStatus.OK, text.toString());
            } else if (path.equals("/close")) {
                ByteBuf content = Unpooled.copiedBuffer(name, StandardCharsets.UTF_8);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        content);
                HttpUtil.setContentLength(response, content.readableBytes());
                response.headers().set("Connection", "close");
                // The socket stays open, so that a client that ignores the header is caught by its next request.
                closeSaid = true;
                ctx.writeAndFlush(response);
            } else if (path.equals("/stall")) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setContentLength(head, 100);
                ctx.write(head);
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[10])));
            } else if (path.equals("/hold")) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setContentLength(head, 10);
                head.headers().set("X-Backend", name);
                ctx.write(head);
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)));
                held.add(ctx);
            } else if (path.equals("/sink")) {
                send(ctx, HttpResponseStatus.OK, Long.toString(received));
            } else if (path.startsWith("/delay/")) {
                long millis = Long.parseLong(path.substring(7));
                ctx.executor().schedule(() -> send(ctx, HttpResponseStatus.OK, name), millis, TimeUnit.MILLISECONDS);
            } else if (path.equals("/health")) {
                send(ctx, unhealthy ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK, name);
            } else {
                send(ctx, HttpResponseStatus.OK, name);
            }
        }

        private void send(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            response.headers().set("X-Backend", name);
            HttpUtil.setContentLength(response, content.readableBytes());
            ctx.writeAndFlush(response);
        }
    }

    /** Writes a body as fast as the client reads it and no faster. */
    private static final class Streamer implements Runnable {
        private static final ByteBuf CHUNK = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer(16 * 1024).writeZero(16 * 1024).asReadOnly());
        private final ChannelHandlerContext ctx;
        private final AtomicLong sent;
        private long remaining;

        Streamer(ChannelHandlerContext ctx, long size, AtomicLong sent) {
            this.ctx = ctx;
            this.remaining = size;
            this.sent = sent;
        }

        @Override
        public void run() {
            while (remaining > 0 && ctx.channel().isWritable()) {
                int size = (int) Math.min(remaining, CHUNK.readableBytes());
                remaining -= size;
                sent.addAndGet(size);
                ctx.write(new DefaultHttpContent(CHUNK.retainedSlice(0, size)));
            }
            if (remaining == 0) {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (f.isSuccess()) {
                    ctx.executor().execute(this);
                }
            });
        }
    }

    private static final class WebSocketEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                // The server speaks first, so that its first frame may share a packet with the 101.
                ctx.writeAndFlush(new TextWebSocketFrame("hello"));
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame text) {
                ctx.writeAndFlush(new TextWebSocketFrame("echo: " + text.text()));
                text.release();
            } else if (msg instanceof WebSocketFrame frame) {
                frame.release();
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }
}
