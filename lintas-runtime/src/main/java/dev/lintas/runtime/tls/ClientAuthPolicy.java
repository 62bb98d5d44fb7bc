package dev.lintas.runtime.tls;

import io.netty.handler.ssl.ClientAuth;

/** Whether a TLS listener asks its clients for a certificate, as {@code client-auth} is written in the config. */
public enum ClientAuthPolicy {
    /** No client certificate is asked for. */
    NONE("none", ClientAuth.NONE),
    /**
     * A certificate is asked for: a client that sends none is let in, and one it sends must chain to the client CA.
     */
    OPTIONAL("optional", ClientAuth.OPTIONAL),
    /** A client without a certificate signed by the client CA fails the handshake. */
    REQUIRE("require", ClientAuth.REQUIRE);

    private final String configName;
    private final ClientAuth netty;

    ClientAuthPolicy(String configName, ClientAuth netty) {
        this.configName = configName;
        this.netty = netty;
    }

    /** The policy written as {@code text}, or null when it is not {@code none}, {@code optional} or {@code require}. */
    public static ClientAuthPolicy of(String text) {
        for (ClientAuthPolicy policy : values()) {
            if (policy.configName.equals(text)) {
                return policy;
            }
        }
        return null;
    }

    /** Whether this policy needs a CA to check client certificates against. */
    public boolean needsClientCa() {
        return this != NONE;
    }

    ClientAuth netty() {
        return netty;
    }

    @Override
    public String toString() {
        return configName;
    }
}
