package dev.lintas.gateway.config;

import static dev.lintas.gateway.config.ReaderProblems.problem;
import static dev.lintas.gateway.config.ReaderProblems.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.lintas.runtime.config.Position;

/** Problems in {@code gateway.upstreams}: servers, weights, timeouts and health checks. */
class UpstreamReadingTest {

    /** Each a bad server address as written in YAML, and as the reader quotes it. */
    static Stream<Arguments> badServerAddresses() {
        return Stream.of(
                Arguments.argumentSet("port 0", "10.0.0.1:0", "10.0.0.1:0"),
                Arguments.argumentSet("a port that is not a number", "10.0.0.1:abc", "10.0.0.1:abc"),
                Arguments.argumentSet("an IPv6 address without its closing bracket", "\"[::1:80\"", "[::1:80"),
                Arguments.argumentSet("no host", ":3000", ":3000"));
    }

    @ParameterizedTest
    @MethodSource("badServerAddresses")
    void badServerAddressIsReported(String written, String address) {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - %s
                """.formatted(written))).containsExactly(problem(5, 11,
                "bad server address '" + address + "' (expected host:port like 10.0.0.1:3000, port 1-65535)"));
    }

    @Test
    void serverAddressInTheLongFormIsReportedAtTheAddress() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - address: 10.0.0.1:70000
                          weight: 2
                """)).containsExactly(problem(5, 20,
                "bad server address '10.0.0.1:70000' (expected host:port like 10.0.0.1:3000, port 1-65535)"));
    }

    @Test
    void serverMappingWithoutAddressIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - weight: 2
                """)).containsExactly(problem(5, 11, "missing 'address' (expected an address like 10.0.0.1:3000)"));
    }

    @Test
    void upstreamWithoutServersIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      balance: round-robin
                """)).containsExactly(problem(4, 7,
                "upstream 'app' has no 'servers' (expected a list of addresses like 10.0.0.1:3000)"));
    }

    @Test
    void upstreamWithAnEmptyServerListIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: []
                """)).containsExactly(problem(4, 16, "upstream 'app' has no servers"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"many", "-1"})
    void retriesThatAreNotAWholeNumberAreReported(String retries) {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      retries: %s
                """.formatted(retries))).containsExactly(
                problem(5, 16, "retries: '" + retries + "' (expected a whole number >= 0)"));
    }

    @Test
    void backupThatIsNotABooleanIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - address: 10.0.0.1:3000
                          backup: maybe
                """)).containsExactly(problem(6, 19, "backup: 'maybe' (expected true, false, yes, no, on or off)"));
    }

    @Test
    void unknownBalanceListsTheKnownOnes() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      balance: fastest
                      servers: [10.0.0.1:3000]
                """)).containsExactly(problem(4, 16,
                "balance: 'fastest' (expected one of round-robin, least-conn, ip-hash, random-two)"));
    }

    /** Words, an unknown unit and a negative number, each where a duration goes and reported at its column. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            connect-timeout  | 2 seconds | 24
            response-timeout | 5x        | 25
            idle-timeout     | -1s       | 21
            """)
    void valueThatIsNotADurationIsReported(String key, String value, int column) {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      %s: %s
                """.formatted(key, value))).containsExactly(
                problem(5, column, key + ": '" + value + "' (expected a duration like 2s or 500ms)"));
    }

    @Test
    void zeroTimeoutOnAnUpstreamIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      total-timeout: 0
                      keepalive-timeout: 0s
                """)).containsExactly(
                problem(5, 22, "total-timeout: must be longer than 0 (expected a duration like 2s)"),
                problem(6, 26, "keepalive-timeout: must be longer than 0 (expected a duration like 2s)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "heavy"})
    void weightThatIsNotAPositiveWholeNumberIsReported(String weight) {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - address: 10.0.0.1:3000
                          weight: %s
                """.formatted(weight))).containsExactly(
                problem(6, 19, "weight: '" + weight + "' (expected a whole number from 1 to 1000)"));
    }

    /** Bug: GatewayConfigReader.readServer reports a weight that is not a scalar twice at the same place. */
    @Test
    void weightThatIsAListIsOneProblem() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - address: 10.0.0.1:3000
                          weight: [2]
                """)).singleElement()
                .satisfies(p -> assertThat(p.position()).isEqualTo(new Position(ReaderProblems.FILE, 6, 19)));
    }

    @Test
    void healthCheckWithoutPathIsReportedAtTheHealthCheck() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      health-check:
                        interval: 2s
                """)).containsExactly(problem(6, 9, "missing 'path' (expected a path like /health)"));
    }

    @Test
    void healthCheckPathWithoutALeadingSlashIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      health-check:
                        path: health
                """)).containsExactly(problem(6, 15, "path: 'health' (expected a path starting with /)"));
    }

    @Test
    void healthCheckRiseOfZeroIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      health-check:
                        path: /health
                        rise: 0
                """)).containsExactly(problem(7, 15, "rise: '0' (expected a whole number >= 1)"));
    }

    @Test
    void zeroTimeoutInAHealthCheckIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      health-check:
                        path: /health
                        interval: 0s
                """)).containsExactly(problem(7, 19, "interval: must be longer than 0 (expected a duration like 2s)"));
    }
}
