package dev.lintas.gateway.config;

import static dev.lintas.gateway.config.ReaderProblems.problem;
import static dev.lintas.gateway.config.ReaderProblems.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Problems in {@code gateway.listeners}, each at the line and column where it is written. */
class ListenerReadingTest {

    /** Each a bad listen address as written in YAML, and as the reader quotes it. */
    static Stream<Arguments> badListenAddresses() {
        return Stream.of(
                Arguments.argumentSet("a port above 65535", "0.0.0.0:99999", "0.0.0.0:99999"),
                Arguments.argumentSet("no port", "nohost", "nohost"),
                Arguments.argumentSet("an IPv6 address without its closing bracket", "\"[::1:8080\"", "[::1:8080"));
    }

    @ParameterizedTest
    @MethodSource("badListenAddresses")
    void badListenAddressIsReported(String written, String address) {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - listen: %s
                """.formatted(written))).containsExactly(problem(3, 15,
                "listen: '" + address + "' (expected an address like 0.0.0.0:8080 or 127.0.0.1:9090)"));
    }

    @Test
    void listenerWithoutListenIsReportedAtTheListener() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - name: web
                      header-timeout: 5s
                """)).containsExactly(problem(3, 7, "missing 'listen' (expected an address like 0.0.0.0:8080)"));
    }

    @Test
    void listenerNameUsedTwiceIsReportedAtTheSecond() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                    - name: web
                      listen: 127.0.0.1:1
                """)).containsExactly(problem(5, 13, "listener name 'web' is used twice"));
    }

    /**
     * Bug: a listener whose address does not parse takes the default name 'web', so the reader also reports
     * "listener name 'web' is used twice" (at 5:7) though no name is written twice.
     */
    @Test
    void listenerWithABadAddressIsOneProblem() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - name: web
                      listen: 127.0.0.1:0
                    - listen: nohost
                """)).containsExactly(problem(5, 15,
                "listen: 'nohost' (expected an address like 0.0.0.0:8080 or 127.0.0.1:9090)"));
    }

    @Test
    void listenThatIsAMappingIsReported() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - listen: {host: 0.0.0.0, port: 8080}
                """)).containsExactly(problem(3, 15,
                "expected an address like 0.0.0.0:8080 or 127.0.0.1:9090, got a mapping"));
    }

    @Test
    void maxHeaderSizeOutsideItsRangeIsReported() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - listen: 127.0.0.1:0
                      max-header-size: 512
                    - listen: 127.0.0.1:1
                      max-header-size: 2MiB
                """)).containsExactly(
                problem(4, 24, "max-header-size: 512 bytes (expected 1KiB to 1MiB)"),
                problem(6, 24, "max-header-size: 2097152 bytes (expected 1KiB to 1MiB)"));
    }

    @Test
    void maxBodySizeThatIsNotASizeIsReported() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - listen: 127.0.0.1:0
                      max-body-size: 10MB
                """)).containsExactly(problem(4, 22,
                "max-body-size: '10MB' (expected a size like 32KiB, 8MiB or 1GiB, or unlimited)"));
    }

    @Test
    void zeroTimeoutOnAListenerIsReported() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - listen: 127.0.0.1:0
                      header-timeout: 0ms
                """)).containsExactly(problem(4, 23,
                "header-timeout: must be longer than 0 (expected a duration like 2s)"));
    }
}
