package dev.lintas.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

    @Test
    void readsEachUnit() {
        assertThat(Sizes.parse("100")).isEqualTo(100L);
        assertThat(Sizes.parse("100B")).isEqualTo(100L);
        assertThat(Sizes.parse("32KiB")).isEqualTo(32L * 1024);
        assertThat(Sizes.parse("8MiB")).isEqualTo(8L * 1024 * 1024);
        assertThat(Sizes.parse("1GiB")).isEqualTo(1024L * 1024 * 1024);
    }

    @Test
    void readsZero() {
        assertThat(Sizes.parse("0")).isZero();
    }

    @Test
    void allowsSpaceBeforeTheUnit() {
        assertThat(Sizes.parse("32 KiB")).isEqualTo(32L * 1024);
    }

    @Test
    void readsUnlimitedAsTheLargestLong() {
        assertThat(Sizes.parse("unlimited")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void readsUpToTheLargestLongAndRejectsOverflow() {
        // 2^33 - 1 GiB is 2^63 - 2^30 bytes, just under Long.MAX_VALUE; 2^33 GiB would be 2^63.
        assertThat(Sizes.parse("8589934591GiB")).isEqualTo((8_589_934_591L) << 30);
        assertThat(Sizes.parse("8589934592GiB")).isNull();
    }

    @Test
    void rejectsMoreThanTwelveDigits() {
        assertThat(Sizes.parse("999999999999")).isEqualTo(999_999_999_999L);
        assertThat(Sizes.parse("9999999999999")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "KiB", "-1", "+1", "32KB", "32kib", "32K", "1TiB", "1.5MiB", "Unlimited",
            "infinite", "1 2", "big"})
    void rejectsWhatIsNotASize(String text) {
        assertThat(Sizes.parse(text)).isNull();
    }
}
