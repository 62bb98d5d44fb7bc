package dev.lintas.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void readsEachUnit() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parse("3m")).isEqualTo(Duration.ofMinutes(3));
        assertThat(Durations.parse("4h")).isEqualTo(Duration.ofHours(4));
    }

    @Test
    void readsZeroWithOrWithoutAUnit() {
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("0ms")).isEqualTo(Duration.ZERO);
    }

    @Test
    void readsLeadingZerosAsDecimal() {
        assertThat(Durations.parse("010s")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void readsTwelveDigitsButNoMore() {
        assertThat(Durations.parse("999999999999ms")).isEqualTo(Duration.ofMillis(999_999_999_999L));
        assertThat(Durations.parse("9999999999999ms")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "2", "2 seconds", "2 s", "5x", "-1s", "+1s", "1.5s", "2S", "2sec", "1d",
            " 2s", "2s ", "ms5", "1h30m"})
    void rejectsWhatIsNotADuration(String text) {
        assertThat(Durations.parse(text)).isNull();
    }

    @Test
    void formatsInTheLargestWholeUnit() {
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofMinutes(3))).isEqualTo("3m");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1ms", "999ms", "1s", "59s", "61s", "1m", "90m", "1h", "25h"})
    void formatReadsBackAsTheSameDuration(String text) {
        Duration duration = Durations.parse(text);
        assertThat(Durations.parse(Durations.format(duration))).isEqualTo(duration);
    }
}
