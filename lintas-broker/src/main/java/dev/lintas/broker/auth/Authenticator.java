package dev.lintas.broker.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Decides whether a client may use the broker, by the rules of PRODUCT.md ("Authentication defaults"):
 * <ul>
 *   <li>with no users configured, clients are anonymous and let in from loopback addresses only (a user name they
 *   send is ignored);</li>
 *   <li>with users, every client must give a known name and its password, unless {@code allow-anonymous} lets in
 *   clients that give no name;</li>
 *   <li>{@code allow-anonymous: true} lets anonymous clients in from any address.</li>
 * </ul>
 * A password is checked against its PBKDF2 hash on {@code hashing}, never on the caller's thread, since it costs
 * hundreds of thousands of HMACs; an unknown name costs the same as a known one, so that timing does not tell which
 * names exist. Thread-safe and protocol-neutral.
 */
public final class Authenticator {

    /** What a client gets. */
    public enum Verdict {
        ALLOWED,
        /** A name that is unknown, or a password that does not match (MQTT: 0x04 / v5 0x86). */
        BAD_CREDENTIALS,
        /** No name where one is needed, or an anonymous client from a non-loopback address (0x05 / v5 0x87). */
        NOT_AUTHORIZED,
        /** Too many password checks waiting already (MQTT 3.1.1: 0x03 / v5 0x89). */
        BUSY
    }

    private final AuthConfig config;
    private final Executor hashing;
    private final Map<String, PasswordHash> users = new HashMap<>();
    private final PasswordHash unknownUser;

    /** @param hashing where password hashes are checked: a small pool with a bounded queue */
    public Authenticator(AuthConfig config, Executor hashing) {
        this.config = config;
        this.hashing = hashing;
        int iterations = PasswordHash.MIN_ITERATIONS;
        for (AuthConfig.User user : config.users()) {
            users.put(user.name(), user.password());
            iterations = Math.max(iterations, user.password().iterations());
        }
        this.unknownUser = PasswordHash.unmatchable(iterations, new SecureRandom());
    }

    /** Whether any user is configured. */
    public boolean hasUsers() {
        return !users.isEmpty();
    }

    /**
     * The verdict on a client from {@code remote} that gave {@code name} (null for none) and {@code password} (null
     * for none). Completes at once unless a password has to be checked.
     */
    public CompletableFuture<Verdict> authenticate(SocketAddress remote, String name, byte[] password) {
        if (users.isEmpty()) {
            return CompletableFuture.completedFuture(config.allowAnonymous() || isLoopback(remote)
                    ? Verdict.ALLOWED : Verdict.NOT_AUTHORIZED);
        }
        if (name == null) {
            return CompletableFuture.completedFuture(config.allowAnonymous()
                    ? Verdict.ALLOWED : Verdict.NOT_AUTHORIZED);
        }
        PasswordHash hash = users.getOrDefault(name, unknownUser);
        char[] text = password == null ? new char[0] : utf8(password);
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return hash.matches(text) && hash != unknownUser ? Verdict.ALLOWED : Verdict.BAD_CREDENTIALS;
                } finally {
                    Arrays.fill(text, '\0');
                }
            }, hashing);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Verdict.BUSY);
        }
    }

    /** The password as text; bytes that are not UTF-8 become an empty password, which matches nothing. */
    private static char[] utf8(byte[] password) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(password));
            char[] text = new char[chars.remaining()];
            chars.get(text);
            Arrays.fill(chars.array(), '\0');
            return text;
        } catch (CharacterCodingException e) {
            return new char[0];
        }
    }

    /** Whether {@code remote} is a loopback address; an unresolved one is resolved by name. */
    static boolean isLoopback(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress inet)) {
            return false;
        }
        if (inet.getAddress() != null) {
            return inet.getAddress().isLoopbackAddress();
        }
        try {
            return InetAddress.getByName(inet.getHostString()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
