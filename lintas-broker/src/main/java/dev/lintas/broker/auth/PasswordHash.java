package dev.lintas.broker.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A password kept as a PBKDF2-HMAC-SHA256 hash, written in a self-describing form:
 * {@code $pbkdf2-sha256$i=ITERATIONS$SALT$HASH}, with the salt and the hash in standard Base64 without padding. The
 * config holds only this form, never a password; {@code lintas passwd} makes one.
 * <p>
 * Immutable and thread-safe. {@link #matches} costs {@code iterations} HMACs, so callers keep it off event loops.
 */
public final class PasswordHash {

    /** The algorithm's name in the written form. */
    public static final String SCHEME = "pbkdf2-sha256";
    /** What {@code lintas passwd} uses unless told otherwise. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    /** The range a written hash may use: fewer is too weak to accept, more is too slow to check. */
    public static final int MIN_ITERATIONS = 1_000;
    public static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** Hashes {@code password} with a new random salt. */
    public static PasswordHash create(char[] password, int iterations, SecureRandom random) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations: " + iterations + " (expected: " + MIN_ITERATIONS + " to "
                    + MAX_ITERATIONS + ")");
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations, HASH_BYTES));
    }

    /** A hash that no password matches, as costly to check as {@code like}: for unknown user names. */
    static PasswordHash unmatchable(int iterations, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        byte[] hash = new byte[HASH_BYTES];
        random.nextBytes(salt);
        random.nextBytes(hash);
        return new PasswordHash(iterations, salt, hash);
    }

    /**
     * Reads the written form; null when {@code text} is not one (wrong scheme, iterations out of range, bad Base64, or
     * a salt or hash too short).
     */
    public static PasswordHash parse(String text) {
        String[] parts = text.split("\\$", -1);
        if (parts.length != 5 || !parts[0].isEmpty() || !parts[1].equals(SCHEME) || !parts[2].startsWith("i=")) {
            return null;
        }
        try {
            int iterations = Integer.parseInt(parts[2].substring(2));
            byte[] salt = Base64.getDecoder().decode(parts[3]);
            byte[] hash = Base64.getDecoder().decode(parts[4]);
            if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS || salt.length < 8
                    || hash.length < 16) {
                return null;
            }
            return new PasswordHash(iterations, salt, hash);
        } catch (IllegalArgumentException e) { // Both a bad number and bad Base64.
            return null;
        }
    }

    /** Whether {@code password} is the one hashed; the hashes are compared in constant time. Never an empty one. */
    public boolean matches(char[] password) {
        return password.length > 0 && MessageDigest.isEqual(hash, derive(password, salt, iterations, hash.length));
    }

    public int iterations() {
        return iterations;
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** The written form. */
    @Override
    public String toString() {
        return "$" + SCHEME + "$i=" + iterations + "$" + ENCODER.encodeToString(salt) + "$"
                + ENCODER.encodeToString(hash);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PasswordHash that && iterations == that.iterations
                && Arrays.equals(salt, that.salt) && Arrays.equals(hash, that.hash);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(salt) + Arrays.hashCode(hash);
    }
}
