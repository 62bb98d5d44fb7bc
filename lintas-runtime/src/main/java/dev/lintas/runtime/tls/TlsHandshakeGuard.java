package dev.lintas.runtime.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

/**
 * Sits after the {@link io.netty.handler.ssl.SslHandler} until the handshake ends. A failed handshake (a plain-text
 * client, an unknown or missing client certificate, no common protocol, the timeout) is logged here as one line, and
 * the exception that comes with it stops here, so that the protocol handlers behind never see a connection that never
 * spoke their protocol. The {@code SslHandler} closes the connection. A handshake that succeeds removes the guard.
 * Event loop only.
 */
final class TlsHandshakeGuard extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TlsHandshakeGuard.class);
    private static final int MAX_REASON = 200;

    private final String listener;
    private boolean failed;

    TlsHandshakeGuard(String listener) {
        this.listener = listener;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (completion.isSuccess()) {
                ctx.pipeline().remove(this);
            } else {
                fail(ctx, completion.cause());
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Only a handshake's exceptions get here: the guard is gone once it succeeds.
        fail(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (!failed) {
            failed = true;
            log.info("{} {}: TLS handshake failed, {}", listener, ctx.channel().remoteAddress(), reason(cause));
        }
        ctx.close();
    }

    static String reason(Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof NotSslRecordException) {
            return "not a TLS record (a plain-text client on a TLS port?)";
        }
        if (root instanceof SslHandshakeTimeoutException) {
            return "timed out";
        }
        String message = root.getMessage();
        String text = root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON) + "...";
    }
}
