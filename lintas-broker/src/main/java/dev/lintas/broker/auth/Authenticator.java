package dev.lintas.broker.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * names exist. The last password that let each user in is remembered as a keyed digest, so a reconnect with it is
 * decided at once. Thread-safe and protocol-neutral.
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
    /**
     * The last password each user was let in with, as a {@link #fingerprint}: a client that reconnects with it is let
     * in without a PBKDF2 check, so that a storm of reconnects does not queue up behind the hashing pool. A wrong
     * password never matches it and always costs the full check.
     */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private final SecretKeySpec fingerprintKey;

    /** @param hashing where password hashes are checked: a small pool with a bounded queue */
    public Authenticator(AuthConfig config, Executor hashing) {
        this.config = config;
        this.hashing = hashing;
        int iterations = PasswordHash.MIN_ITERATIONS;
        for (AuthConfig.User user : config.users()) {
            users.put(user.name(), user.password());
            iterations = Math.max(iterations, user.password().iterations());
        }
        SecureRandom random = new SecureRandom();
        this.unknownUser = PasswordHash.unmatchable(iterations, random);
        byte[] key = new byte[32];
        random.nextBytes(key);
        this.fingerprintKey = new SecretKeySpec(key, "HmacSHA256");
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
        byte[] given = password == null ? new byte[0] : password;
        byte[] remembered = verified.get(name);
        if (remembered != null && MessageDigest.isEqual(remembered, fingerprint(given))) {
            return CompletableFuture.completedFuture(Verdict.ALLOWED);
        }
        char[] text = utf8(given);
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    if (hash.matches(text) && hash != unknownUser) {
                        verified.put(name, fingerprint(given));
                        return Verdict.ALLOWED;
                    }
                    return Verdict.BAD_CREDENTIALS;
                } finally {
                    Arrays.fill(text, '\0');
                }
            }, hashing);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Verdict.BUSY);
        }
    }

    /** A keyed digest of a password, cheap to compute; only this process's key can make or check one. */
    private byte[] fingerprint(byte[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(fingerprintKey);
            return mac.doFinal(password);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
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
