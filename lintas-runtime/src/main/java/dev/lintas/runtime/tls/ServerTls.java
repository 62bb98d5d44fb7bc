package dev.lintas.runtime.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLException;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;

/**
 * Server-side TLS for any listener: builds the {@link SslContext} of {@link TlsSettings} and puts TLS first in a
 * pipeline. The provider is Netty's default, which is the JDK's unless netty-tcnative is on the class path (it is not
 * in this build).
 */
public final class ServerTls {

    /** The name of the {@link SslHandler} in a pipeline. */
    public static final String TLS = "tls";
    /** The name of the {@link TlsHandshakeGuard} right after it. */
    public static final String HANDSHAKE = "tls-handshake";

    private ServerTls() {
    }

    /**
     * Reads the files of {@code settings} and builds a server context from them. Blocking file I/O: call it off the
     * event loops, when config is read or applied.
     */
    public static SslContext context(TlsSettings settings) throws TlsFileException {
        List<X509Certificate> chain = PemFiles.certificates(settings.cert(), TlsFileException.Source.CERT);
        PrivateKey key = PemFiles.privateKey(settings.key());
        PemFiles.checkPair(key, chain.getFirst(), settings.key(), settings.cert());
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain)
                .protocols(settings.protocols())
                .clientAuth(settings.clientAuth().netty());
        if (settings.clientCa() != null) {
            builder.trustManager(PemFiles.certificates(settings.clientCa(), TlsFileException.Source.CLIENT_CA));
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new TlsFileException(TlsFileException.Source.CERT, "'" + settings.cert() + "' and '"
                    + settings.key() + "' make no TLS server context: " + e.getMessage());
        }
    }

    /**
     * Puts TLS first in {@code pipeline}: the {@link SslHandler}, which must complete its handshake within
     * {@code handshakeTimeout}, and the {@link TlsHandshakeGuard}, which logs a failed handshake as one line naming
     * {@code listener} and the client, and closes that connection alone.
     */
    public static void addFirst(ChannelPipeline pipeline, SslContext context, Duration handshakeTimeout,
            String listener) {
        SslHandler ssl = context.newHandler(pipeline.channel().alloc());
        ssl.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        pipeline.addFirst(HANDSHAKE, new TlsHandshakeGuard(listener));
        pipeline.addFirst(TLS, ssl);
    }
}
