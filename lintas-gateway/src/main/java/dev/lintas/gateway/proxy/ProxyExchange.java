package dev.lintas.gateway.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.lintas.gateway.route.Route;
import dev.lintas.gateway.route.RoutingTable;
import dev.lintas.gateway.upstream.Server;
import dev.lintas.gateway.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One request and its response, through the phases of a proxy: request filter, choose a peer, connect (or fail
 * and choose again), send the request, filter the response, stream it back, log. The exchange decides retries,
 * timeouts and health accounting; the handlers only carry events to it.
 * <p>
 * Threading: everything here runs on the downstream connection's event loop. Events from an upstream connection
 * on another loop are moved onto this one first, and events from a connection the exchange no longer uses are
 * dropped.
 */
final class ProxyExchange {

    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);

    enum State {
        /** Filtering the request and choosing a server. */
        STARTED,
        /** Waiting for a connection to the chosen server. */
        CONNECTING,
        /** Request and response flowing between the two connections. */
        PROXYING,
        /** The connection became a tunnel after 101 Switching Protocols. */
        TUNNEL,
        /** The response is complete, or the exchange was abandoned. */
        DONE;

        boolean isOver() {
            return this == TUNNEL || this == DONE;
        }
    }

    private final DownstreamHandler downstream;
    private final ChannelHandlerContext ctx;
    private final ProxyContext context;
    private final EventLoop loop;
    private final HttpRequest request;
    /** The client's HTTP version; the request itself goes upstream as HTTP/1.1. */
    private final HttpVersion downstreamVersion;
    private final String method;
    private final String target;
    private final ClientAddress client;
    private final long startNanos = System.nanoTime();
    private final long startMillis;
    private final boolean idempotent;
    private final boolean upgrade;
    private final boolean head;
    /** Whether the head announces a body; one without needs nothing more read before the connection is reused. */
    private final boolean expectsBody;
    private boolean keepAlive;
    private State state = State.STARTED;

    private Route route;
    private Upstream upstream;

    // The request side.
    private boolean requestComplete;
    private long requestBodyBytes;
    private final RequestBody body;
    /** Whether Host was added here, for a client that sent none; each attempt then names its own server. */
    private boolean addedHost;
    /** Whether any byte of the request has been sent to any upstream. */
    private boolean anySent;
    /** Whether the whole request has been sent on the current connection. */
    private boolean requestSent;

    // The attempts, made once the route is known.
    private Attempts attempts;
    private Server server;
    private UpstreamHandler conn;
    /** Whether {@link #server} counts this exchange among its requests in flight. */
    private boolean attemptActive;
    private long upstreamStart = -1;

    // The response side.
    private boolean responseStarted;
    private boolean interim;
    private boolean upstreamPaused;
    /** Whether the upstream will take another request on this connection, as its response said. */
    private boolean upstreamKeepAlive;
    private int status;
    private long responseBytes;

    ProxyExchange(DownstreamHandler downstream, ChannelHandlerContext ctx, ProxyContext context,
            ClientAddress client, HttpRequest request) {
        this.downstream = downstream;
        this.ctx = ctx;
        this.context = context;
        this.loop = ctx.channel().eventLoop();
        this.request = request;
        this.downstreamVersion = request.protocolVersion();
        this.startMillis = context.accessLog().isOn() ? System.currentTimeMillis() : 0;
        this.method = request.method().name();
        this.target = request.uri();
        this.client = client;
        HttpMethod m = request.method();
        this.head = m.equals(HttpMethod.HEAD);
        this.idempotent = head || m.equals(HttpMethod.GET) || m.equals(HttpMethod.PUT)
                || m.equals(HttpMethod.DELETE) || m.equals(HttpMethod.OPTIONS) || m.equals(HttpMethod.TRACE);
        this.body = new RequestBody(idempotent);
        this.upgrade = Forwarding.isUpgrade(request);
        this.keepAlive = HttpUtil.isKeepAlive(request);
        this.expectsBody = Forwarding.hasBody(request);
    }

    State state() {
        return state;
    }

    boolean requestComplete() {
        return requestComplete;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Phase 1: request filter, and phase 2: choose a peer.

    void start() {
        RequestTarget.Refusal refusal = RequestTarget.check(request, context.listener().maxBodySize());
        if (refusal != null) {
            refuse(refusal.status(), refusal.text());
            return;
        }
        String host = RequestTarget.host(target, request.headers().get(HttpHeaderNames.HOST));
        String uri = RequestTarget.originForm(target);
        if (!uri.equals(target)) {
            // The target's authority wins over Host (RFC 9112 section 3.2.2); the upstream sees what routing saw.
            request.setUri(uri);
            request.headers().set(HttpHeaderNames.HOST, RequestTarget.authority(target));
        }
        String path = RequestTarget.path(uri);
        RoutingTable table = context.table();
        route = table.match(host, path);
        if (route == null) {
            respondLocally(HttpResponseStatus.NOT_FOUND, table.isEmpty()
                    ? LocalResponses.NO_ROUTES
                    : "no route matches host '" + (host == null ? "" : host) + "' and path '" + path + "'\n");
            return;
        }
        upstream = route.upstream();
        Forwarding.toUpstream(request, client, "http", upgrade);
        attempts = new Attempts(upstream, client.hash(), startNanos);
        Server first = attempts.choose(System.nanoTime());
        if (first == null) {
            respondLocally(HttpResponseStatus.SERVICE_UNAVAILABLE, "no server of upstream '" + upstream.name()
                    + "' is available; try again shortly\n");
            return;
        }
        attempt(first, false);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Phase 3: connected, or failed to connect.

    /**
     * Starts an attempt on {@code target}.
     *
     * @param fresh open a new connection rather than take one from the pool
     */
    private void attempt(Server target, boolean fresh) {
        state = State.CONNECTING;
        server = target;
        attempts.started(target);
        target.requestStarted();
        attemptActive = true;
        long now = System.nanoTime();
        if (upstreamStart < 0) {
            upstreamStart = now;
        }
        Channel pooled = fresh ? null : target.pool().acquire(loop, now);
        if (pooled != null) {
            connected(UpstreamHandler.of(pooled), true);
            return;
        }
        context.connect(upstream, target, loop).addListener((ChannelFutureListener) future -> {
            if (state != State.CONNECTING || server != target) {
                // The exchange ended while the connection was being made; keep the connection for someone else.
                if (future.isSuccess() && !target.pool().release(future.channel(), System.nanoTime())) {
                    future.channel().close();
                }
                return;
            }
            if (future.isSuccess()) {
                connected(UpstreamHandler.of(future.channel()), false);
            } else {
                failed(null, ProxyFailure.CONNECT_FAILED, describe(future.cause()));
            }
        });
    }

    private void connected(UpstreamHandler handler, boolean fromPool) {
        conn = handler;
        handler.attach(this, fromPool);
        state = State.PROXYING;
        requestSent = false;
        upstreamPaused = false;
        Channel channel = handler.channel();
        // Phase 4: the upstream request. Forwarding headers were set once in start(); a retry sends the same head.
        if (!request.headers().contains(HttpHeaderNames.HOST)) {
            // An HTTP/1.0 client may leave Host out; the HTTP/1.1 request upstream needs one.
            request.headers().set(HttpHeaderNames.HOST, server.label());
            addedHost = true;
        } else if (addedHost) {
            request.headers().set(HttpHeaderNames.HOST, server.label());
        }
        channel.write(request);
        anySent = true;
        if (!idempotent) {
            body.stopReplay();
        }
        body.replayInto(part -> write(channel, part));
        HttpContent part;
        while ((part = body.nextUnsent()) != null) {
            send(part);
        }
        if (!downstream.inReadBurst()) {
            channel.flush(); // else the end of the read burst flushes, with the rest of the request
        }
        if (!requestComplete) {
            downstream.updateReading();
        }
    }

    /** Sends one body part on the current connection, keeping a copy for replay while that is allowed. */
    private void send(HttpContent part) {
        body.copy(part);
        write(conn.channel(), part);
    }

    private void write(Channel channel, HttpContent part) {
        channel.write(part, channel.voidPromise());
        if (part instanceof LastHttpContent) {
            requestSent = true;
            if (status == 0) {
                armResponseTimer(); // only while the final response head is still due
            }
        }
    }

    private boolean bodyStillComing() {
        return !requestComplete && expectsBody;
    }

    private void armResponseTimer() {
        conn.awaitResponse(upstream.config().responseTimeout().toNanos());
    }

    // ---------------------------------------------------------------------------------------------------------
    // The request body, as it arrives from downstream.

    /**
     * Whether the downstream should read now. Once the request is complete only a close or a pipelined request
     * can come, and both are worth noticing; before that, body is read only as fast as the upstream takes it.
     */
    boolean wantsRead() {
        if (state == State.TUNNEL) {
            return false; // bytes before the join would meet the HTTP decoder; Tunnel.join reads again
        }
        if (requestComplete) {
            return true;
        }
        return switch (state) {
            case PROXYING -> conn.channel().isWritable();
            case DONE -> true; // answered already: the rest of the body is read and dropped
            default -> false;
        };
    }

    void onRequestContent(HttpContent part) {
        if (!part.decoderResult().isSuccess()) {
            part.release();
            badRequestBody(HttpResponseStatus.BAD_REQUEST, "malformed request body: "
                    + part.decoderResult().cause().getMessage() + "\n");
            return;
        }
        requestBodyBytes += part.content().readableBytes();
        if (part instanceof LastHttpContent) {
            requestComplete = true;
        }
        if (requestBodyBytes > context.listener().maxBodySize()) {
            part.release();
            badRequestBody(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body is larger than " + context.listener().maxBodySize() + " bytes\n");
            return;
        }
        switch (state) {
            case PROXYING -> send(part);
            case STARTED, CONNECTING -> body.hold(part);
            default -> part.release();
        }
    }

    /** The request body cannot be accepted: stop the attempt and answer, or cut the connection if too late. */
    private void badRequestBody(HttpResponseStatus answer, String text) {
        keepAlive = false;
        if (state.isOver()) {
            return;
        }
        dropConnection();
        if (responseStarted) {
            abandon("request body refused after the response began");
        } else {
            refuse(answer, text);
        }
    }

    void downstreamReadComplete() {
        if (state == State.PROXYING && conn != null) {
            LoopFlushes.flushAfterPass(conn.channel(), loop);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Phase 5: the response, as it arrives from upstream. UpstreamHandler calls these on this exchange's loop.

    EventLoop loop() {
        return loop;
    }

    void upstreamWritable(UpstreamHandler from) {
        if (from == conn) {
            downstream.updateReading();
        }
    }

    void onUpstreamMessage(UpstreamHandler from, Object message) {
        if (from != conn || state != State.PROXYING) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpResponse response) {
            if (!onResponseHead(response)) {
                ReferenceCountUtil.release(message);
                return;
            }
        }
        if (message instanceof HttpContent part) {
            onResponseContent(part);
        }
    }

    /** @return whether the exchange goes on with this response; false when it was dropped */
    private boolean onResponseHead(HttpResponse response) {
        if (!response.decoderResult().isSuccess()) {
            failed(conn, ProxyFailure.BAD_RESPONSE, "invalid response: " + response.decoderResult().cause());
            return false;
        }
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            // An interim response (100 Continue, 103 Early Hints) goes to the client; the final one follows.
            interim = true;
            if (downstreamVersion.equals(HttpVersion.HTTP_1_0)) {
                return false; // HTTP/1.0 has no interim responses (RFC 9110 section 15.2)
            }
            Forwarding.removeHopByHop(response.headers());
            ctx.write(response);
            return true;
        }
        conn.responseArrived();
        if (code == 101) {
            if (!upgrade) {
                failed(conn, ProxyFailure.BAD_RESPONSE, "101 Switching Protocols to a request that did not ask");
                return false;
            }
            startTunnel(response);
            return false;
        }
        if ((code == 502 || code == 503) && requestComplete) {
            // Only worth dropping this answer if another server can give a better one; else it goes through.
            Server next = attempts.next(ProxyFailure.UPSTREAM_UNAVAILABLE, anySent, body.replayable(),
                    System.nanoTime());
            if (next != null) {
                Server failedServer = server;
                dropConnection();
                endAttempt();
                moveOn(failedServer, ProxyFailure.UPSTREAM_UNAVAILABLE, "status " + code, next);
                return false;
            }
        }
        server.recordSuccess();
        status = code;
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        boolean bodyless = head || code == 204 || code == 304;
        if (bodyStillComing() || context.draining()) {
            keepAlive = false; // the rest of the request would have to be read and dropped first
        }
        keepAlive = Forwarding.toDownstream(response, downstreamVersion, keepAlive, false, bodyless);
        responseStarted = true;
        ctx.write(response);
        return true;
    }

    private void onResponseContent(HttpContent part) {
        if (interim) {
            // An interim response has no body; its end goes along so that the encoder is ready for the next head.
            part.release();
            if (part instanceof LastHttpContent) {
                interim = false;
                if (!downstreamVersion.equals(HttpVersion.HTTP_1_0)) {
                    ctx.write(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
                }
            }
            return;
        }
        if (!part.decoderResult().isSuccess()) {
            part.release();
            abandon("upstream response broke off: " + part.decoderResult().cause());
            return;
        }
        responseBytes += part.content().readableBytes();
        if (part instanceof LastHttpContent last) {
            responseComplete(last);
        } else {
            ctx.write(part, ctx.voidPromise());
        }
    }

    void onUpstreamReadComplete(UpstreamHandler from) {
        if (from != conn || state != State.PROXYING) {
            return;
        }
        LoopFlushes.flushAfterPass(ctx.channel(), loop);
        if (!ctx.channel().isWritable()) {
            upstreamPaused = true; // resumed by downstreamWritable()
            from.channel().config().setAutoRead(false);
            from.pauseIdle(); // the server is not idle; we are not reading it
        }
    }

    void downstreamWritable() {
        if (upstreamPaused && conn != null && state == State.PROXYING) {
            upstreamPaused = false;
            conn.channel().config().setAutoRead(true);
            conn.resumeIdle();
        }
    }

    private void responseComplete(LastHttpContent last) {
        UpstreamHandler finished = conn;
        conn = null;
        finished.detach();
        Channel channel = finished.channel();
        if (!requestSent || !upstreamKeepAlive
                || !(finished.server().pool().release(channel, System.nanoTime()))) {
            channel.close();
        }
        finish();
        if (keepAlive) {
            // The connection goes on at once; a write that fails later closes it through exceptionCaught.
            ctx.write(last, ctx.voidPromise());
            LoopFlushes.flushAfterPass(ctx.channel(), loop);
            downstream.exchangeDone(this, true);
        } else {
            // Closing must wait for the write, or it would drop what is still queued.
            ctx.writeAndFlush(last).addListener((ChannelFutureListener) f -> downstream.exchangeDone(this, false));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // WebSocket and other upgrades: after 101 the two connections become one tunnel.

    private void startTunnel(HttpResponse response) {
        UpstreamHandler tunneled = conn;
        conn = null;
        tunneled.startTunnel();
        server.recordSuccess();
        status = 101;
        responseStarted = true;
        Forwarding.toDownstream(response, downstreamVersion, false, true, true);
        finish();
        state = State.TUNNEL;
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                Tunnel.join(ctx.channel(), tunneled);
            } else {
                tunneled.channel().close();
                ctx.close();
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Failures and retries.

    void failed(UpstreamHandler from, ProxyFailure failure, String why) {
        if (from != conn || state.isOver()) {
            return;
        }
        Server failedServer = server;
        boolean wasReused = from != null && from.reused();
        dropConnection();
        endAttempt();
        if (responseStarted) {
            abandon("upstream " + failedServer.label() + " failed mid-response: " + why);
            return;
        }
        long now = System.nanoTime();
        if (attempts.freshRetry(failure, wasReused, anySent, body.replayable(), now)) {
            // A pooled connection that the server closed while it sat idle: not the server's fault.
            upstream.countRetry(false);
            attempt(failedServer, true);
            return;
        }
        Server next = attempts.next(failure, anySent, body.replayable(), now);
        if (next != null) {
            moveOn(failedServer, failure, why, next);
            return;
        }
        if (failure.countsAgainstServer()) {
            upstream.failed(failedServer, why, System.nanoTime());
        }
        log.debug("{} {}: {} failed ({}), no attempt left", method, target, failedServer.label(), why);
        respondLocally(failure.status(), failure.status().code() == 504
                ? "upstream '" + upstream.name() + "' did not answer in time\n"
                : "upstream '" + upstream.name() + "' failed: " + why + "\n");
    }

    private void endAttempt() {
        if (attemptActive) {
            attemptActive = false;
            server.requestEnded();
        }
    }

    /** Counts the failure against {@code failedServer} and starts the next attempt on {@code next}. */
    private void moveOn(Server failedServer, ProxyFailure failure, String why, Server next) {
        if (failure.countsAgainstServer()) {
            upstream.failed(failedServer, why, System.nanoTime());
        }
        upstream.countRetry(true);
        log.debug("{} {}: {} failed ({}), trying {}", method, target, failedServer.label(), why, next);
        attempt(next, false);
    }

    /** Stops using the current upstream connection, which is closed: it is mid-exchange and cannot be reused. */
    private void dropConnection() {
        UpstreamHandler dropped = conn;
        if (dropped != null) {
            conn = null;
            dropped.detach();
            dropped.channel().close();
        }
    }

    /** The client went away or idled out: stop everything. */
    void downstreamGone(String why) {
        if (state.isOver()) {
            return;
        }
        dropConnection();
        if (status == 0) {
            status = 499; // the client closed the connection before the response
        }
        log.debug("{} {}: downstream gone: {}", method, target, why);
        finish();
    }

    /** Part of the response was sent already, so the only honest end is to cut the client's connection. */
    private void abandon(String why) {
        log.warn("{} {}: {}; closing the client connection", method, target, why);
        dropConnection();
        keepAlive = false;
        finish();
        ctx.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Answers the gateway gives itself.

    /** Answers bad input: the connection closes after the answer, whatever the request asked for. */
    private void refuse(HttpResponseStatus answer, String text) {
        keepAlive = false;
        respondLocally(answer, text);
    }

    private void respondLocally(HttpResponseStatus answer, String text) {
        status = answer.code();
        if (bodyStillComing() || context.draining()) {
            keepAlive = false;
        }
        var response = LocalResponses.of(ctx.alloc(), answer, text, keepAlive);
        if (keepAlive && downstreamVersion.equals(HttpVersion.HTTP_1_0)) {
            response.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");
        }
        if (answer.code() == 503) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
        }
        responseBytes = response.content().readableBytes();
        finish();
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f ->
                downstream.exchangeDone(this, keepAlive && f.isSuccess()));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Phase 6: logging. Runs once per exchange.

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "failed";
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    private void finish() {
        if (state == State.DONE || state == State.TUNNEL) {
            return;
        }
        state = State.DONE;
        endAttempt();
        body.release();
        long now = System.nanoTime();
        long total = now - startNanos;
        long upstreamTime = upstreamStart < 0 ? -1 : now - upstreamStart;
        context.metrics().route(route == null ? "-" : route.label(), upstream == null ? "-" : upstream.name())
                .record(status, total, upstreamTime);
        context.accessLog().log(startMillis, client.ip(), method, target, status, responseBytes,
                server == null ? null : server.label(), upstreamTime, total);
    }
}
