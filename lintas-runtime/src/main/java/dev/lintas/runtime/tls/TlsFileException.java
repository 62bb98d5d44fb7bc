package dev.lintas.runtime.tls;

/**
 * A TLS file that cannot be used: missing, unreadable, not the PEM expected, or a key that does not match its
 * certificate. It names the setting to blame, so that a config check can point at the line that names the file.
 */
public final class TlsFileException extends Exception {

    /** Which of the settings' files the problem is with; {@link #key()} is its config key. */
    public enum Source {
        CERT("cert"), KEY("key"), CLIENT_CA("client-ca");

        private final String key;

        Source(String key) {
            this.key = key;
        }

        /** The config key that names this file. */
        public String key() {
            return key;
        }
    }

    private final Source source;

    TlsFileException(Source source, String message) {
        super(message);
        this.source = source;
    }

    public Source source() {
        return source;
    }
}
