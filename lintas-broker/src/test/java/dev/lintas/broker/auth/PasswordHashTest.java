package dev.lintas.broker.auth;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The written form of a password hash, and checking passwords against it. */
class PasswordHashTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void aHashMatchesItsPasswordOnlyAndReadsBackFromItsWrittenForm() {
        PasswordHash hash = PasswordHash.create("s3cret-é".toCharArray(), 1000, random);

        String written = hash.toString();
        assertThat(written).matches("\\$pbkdf2-sha256\\$i=1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        PasswordHash read = PasswordHash.parse(written);
        assertThat(read).isEqualTo(hash);
        assertThat(read.matches("s3cret-é".toCharArray())).isTrue();
        assertThat(read.matches("s3cret-e".toCharArray())).isFalse();
        assertThat(read.matches(new char[0])).isFalse();
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        assertThat(PasswordHash.create("pw".toCharArray(), 1000, random).toString())
                .isNotEqualTo(PasswordHash.create("pw".toCharArray(), 1000, random).toString());
    }

    @Test
    void malformedWrittenFormsAreNotHashes() {
        String salt = "AAAAAAAAAAAAAAAAAAAAAA";
        String hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assertThat(PasswordHash.parse("$pbkdf2-sha256$i=1000$" + salt + "$" + hash)).isNotNull();
        assertThat(PasswordHash.parse("secret")).isNull();
        assertThat(PasswordHash.parse("")).isNull();
        assertThat(PasswordHash.parse("$pbkdf2-sha1$i=1000$" + salt + "$" + hash)).isNull();
        assertThat(PasswordHash.parse("$pbkdf2-sha256$1000$" + salt + "$" + hash)).isNull();
        assertThat(PasswordHash.parse("$pbkdf2-sha256$i=999$" + salt + "$" + hash)).isNull();
        assertThat(PasswordHash.parse("$pbkdf2-sha256$i=99999999$" + salt + "$" + hash)).isNull();
        assertThat(PasswordHash.parse("$pbkdf2-sha256$i=x$" + salt + "$" + hash)).isNull();
        assertThat(PasswordHash.parse("$pbkdf2-sha256$i=1000$" + salt + "$!!!")).isNull();
        assertThat(PasswordHash.parse("$pbkdf2-sha256$i=1000$AAAA$" + hash)).isNull();
        assertThat(PasswordHash.parse("$pbkdf2-sha256$i=1000$" + salt + "$" + hash + "$")).isNull();
    }

    @Test
    void iterationsOutOfRangeAreRefusedWhenHashing() {
        assertThatThrownBy(() -> PasswordHash.create("pw".toCharArray(), 10, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("iterations: 10 (expected: 1000 to 10000000)");
    }
}
