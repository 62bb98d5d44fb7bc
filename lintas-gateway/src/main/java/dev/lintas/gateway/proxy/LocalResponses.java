package dev.lintas.gateway.proxy;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Responses the gateway writes itself: a status and a short plain-text body that says what happened. */
final class LocalResponses {

    static final String NO_ROUTES = "Lintas is running, but no route is configured yet.\n"
            + "Add one under gateway.routes in lintas.yaml, for example:\n\n"
            + "gateway:\n"
            + "  routes:\n"
            + "    - path: /\n"
            + "      upstream: app\n"
            + "  upstreams:\n"
            + "    app:\n"
            + "      servers: [127.0.0.1:3000]\n\n"
            + "then check it with 'lintas check' and restart Lintas (or run 'lintas reload' if Lintas was\n"
            + "started with that file).\n";

    private LocalResponses() {
    }

    static FullHttpResponse of(ByteBufAllocator alloc, HttpResponseStatus status, String text, boolean keepAlive) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuf body = alloc.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
