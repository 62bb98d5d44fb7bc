package dev.lintas.runtime.tls;

import java.util.function.Supplier;

import io.netty.handler.ssl.SslContext;

/**
 * The TLS context of one listener, which a reload can replace: each new connection takes the context current when it
 * is accepted, and an open connection keeps the one it started with. Read from any thread; replaced from the control
 * thread.
 */
public final class ReloadableTls implements Supplier<SslContext> {

    private volatile SslContext context;

    private ReloadableTls(SslContext context) {
        this.context = context;
    }

    /** Reads the files of {@code settings} now. */
    public static ReloadableTls load(TlsSettings settings) throws TlsFileException {
        return new ReloadableTls(ServerTls.context(settings));
    }

    @Override
    public SslContext get() {
        return context;
    }

    /**
     * Reads the files of {@code settings} now and returns what makes their context current, so that a reload can
     * read every file before it changes anything. Throws, with nothing changed, when a file cannot be used.
     */
    public Runnable prepare(TlsSettings settings) throws TlsFileException {
        SslContext next = ServerTls.context(settings);
        return () -> context = next;
    }
}
