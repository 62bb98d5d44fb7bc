package dev.lintas.runtime.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.lintas.runtime.RuntimeContext;
import dev.lintas.runtime.net.HostPort;
import dev.lintas.runtime.testing.TestPki;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;

/** A real echo server on port 0 with {@link ServerTls} first in its pipeline, and JDK socket clients. */
class ServerTlsTest {

    @TempDir
    static Path dir;
    private static TestPki pki;

    private final RuntimeContext context = new RuntimeContext(1);
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final List<Throwable> behind = new CopyOnWriteArrayList<>();
    private Channel server;
    private AppenderBase<ILoggingEvent> appender;

    @BeforeAll
    static void makePki() throws Exception {
        pki = TestPki.writeTo(dir);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        context.close();
        if (appender != null) {
            Logger logger = (Logger) LoggerFactory.getLogger(TlsHandshakeGuard.class);
            logger.detachAppender(appender);
            logger.setLevel(null);
        }
    }

    /** Echoes what it reads; records any exception that reaches it, which the guard should stop. */
    private final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            behind.add(cause);
            ctx.close();
        }
    }

    private InetSocketAddress start(TlsSettings settings) throws Exception {
        appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                logged.add(event.getFormattedMessage());
            }
        };
        Logger logger = (Logger) LoggerFactory.getLogger(TlsHandshakeGuard.class);
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        SslContext ssl = ServerTls.context(settings);
        server = RuntimeContext.bind(context.listenerBootstrap().childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                ServerTls.addFirst(channel.pipeline(), ssl, Duration.ofSeconds(10), "echo-tls");
                channel.pipeline().addLast(new Echo());
            }
        }), "the echo listener", new HostPort("127.0.0.1", 0));
        return (InetSocketAddress) server.localAddress();
    }

    private static String echo(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] answer = in.readNBytes(text.length());
        return new String(answer, StandardCharsets.UTF_8);
    }

    private SSLSocket tlsClient(InetSocketAddress address, boolean withCertificate) throws Exception {
        SSLSocket socket = (SSLSocket) pki.clientContext(withCertificate ? pki.clientKeys() : null)
                .getSocketFactory().createSocket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    @Test
    void aTlsClientTrustingTheCaIsServed() throws Exception {
        InetSocketAddress address = start(TlsSettings.of(pki.serverCert(), pki.serverKey()));

        try (SSLSocket socket = tlsClient(address, false)) {
            assertThat(echo(socket, "hello")).isEqualTo("hello");
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        assertThat(logged).isEmpty();
    }

    @Test
    void aPlainTextClientIsClosedWithOneLogLineAndOthersAreStillServed() throws Exception {
        InetSocketAddress address = start(TlsSettings.of(pki.serverCert(), pki.serverKey()));

        try (Socket plain = new Socket(address.getAddress(), address.getPort())) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(plain.getInputStream().read()).isEqualTo(-1);
        }
        try (SSLSocket socket = tlsClient(address, false)) {
            assertThat(echo(socket, "still here")).isEqualTo("still here");
        }
        await().untilAsserted(() -> assertThat(logged).singleElement().asString()
                .startsWith("echo-tls /127.0.0.1:")
                .endsWith("TLS handshake failed, not a TLS record (a plain-text client on a TLS port?)"));
        assertThat(behind).isEmpty();
    }

    @Test
    void requireRefusesAClientWithoutACertificateAndServesOneWith() throws Exception {
        InetSocketAddress address = start(new TlsSettings(pki.serverCert(), pki.serverKey(), pki.caFile(),
                ClientAuthPolicy.REQUIRE, TlsSettings.DEFAULT_PROTOCOLS));

        try (SSLSocket socket = tlsClient(address, false)) {
            // TLS 1.3: the client finishes its side first; the server's refusal comes with the first read.
            assertThatThrownBy(() -> echo(socket, "hello")).isInstanceOf(SSLException.class);
        }
        try (SSLSocket socket = tlsClient(address, true)) {
            assertThat(echo(socket, "hello")).isEqualTo("hello");
        }
        await().untilAsserted(() -> assertThat(logged).singleElement().asString().contains("TLS handshake failed"));
        assertThat(behind).isEmpty();
    }

    @Test
    void theHandshakeGuardLeavesOnceTheHandshakeSucceeds() throws Exception {
        InetSocketAddress address = start(TlsSettings.of(pki.serverCert(), pki.serverKey()));

        try (SSLSocket socket = tlsClient(address, false)) {
            assertThat(echo(socket, "x")).isEqualTo("x");
        }
        assertThat(TlsHandshakeGuard.reason(new IllegalStateException("y".repeat(300))))
                .hasSize(203).startsWith("IllegalStateException: yyy").endsWith("...");
    }
}
