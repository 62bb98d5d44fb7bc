package dev.lintas.gateway.config;

import static dev.lintas.gateway.config.ReaderProblems.problem;
import static dev.lintas.gateway.config.ReaderProblems.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.lintas.runtime.config.Position;

/** Problems in {@code gateway.upstreams}: servers, weights, timeouts and health checks. */
class UpstreamReadingTest {

    @Test
    void serverPortZeroIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - 10.0.0.1:0
                """)).containsExactly(problem(5, 11,
                "bad server address '10.0.0.1:0' (expected host:port like 10.0.0.1:3000, port 1-65535)"));
    }

    @Test
    void serverPortThatIsNotANumberIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - 10.0.0.1:abc
                """)).containsExactly(problem(5, 11,
                "bad server address '10.0.0.1:abc' (expected host:port like 10.0.0.1:3000, port 1-65535)"));
    }

    @Test
    void serverIpv6AddressWithoutItsClosingBracketIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - "[::1:80"
                """)).containsExactly(problem(5, 11,
                "bad server address '[::1:80' (expected host:port like 10.0.0.1:3000, port 1-65535)"));
    }

    @Test
    void serverWithoutAHostIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - :3000
                """)).containsExactly(problem(5, 11,
                "bad server address ':3000' (expected host:port like 10.0.0.1:3000, port 1-65535)"));
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

    @Test
    void retriesThatIsAWordIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      retries: many
                """)).containsExactly(problem(5, 16, "retries: 'many' (expected a whole number >= 0)"));
    }

    @Test
    void negativeRetriesAreReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      retries: -1
                """)).containsExactly(problem(5, 16, "retries: '-1' (expected a whole number >= 0)"));
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
                """)).containsExactly(problem(6, 19, "backup: 'maybe' (expected true or false)"));
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

    @Test
    void durationWrittenInWordsIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      connect-timeout: 2 seconds
                """)).containsExactly(problem(5, 24,
                "connect-timeout: '2 seconds' (expected a duration like 2s or 500ms)"));
    }

    @Test
    void durationWithAnUnknownUnitIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      response-timeout: 5x
                """)).containsExactly(problem(5, 25, "response-timeout: '5x' (expected a duration like 2s or 500ms)"));
    }

    @Test
    void negativeDurationIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      idle-timeout: -1s
                """)).containsExactly(problem(5, 21, "idle-timeout: '-1s' (expected a duration like 2s or 500ms)"));
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

    @Test
    void weightZeroIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - address: 10.0.0.1:3000
                          weight: 0
                """)).containsExactly(problem(6, 19, "weight: '0' (expected a whole number > 0)"));
    }

    @Test
    void negativeWeightIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - address: 10.0.0.1:3000
                          weight: -1
                """)).containsExactly(problem(6, 19, "weight: '-1' (expected a whole number > 0)"));
    }

    @Test
    void weightThatIsAWordIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - address: 10.0.0.1:3000
                          weight: heavy
                """)).containsExactly(problem(6, 19, "weight: 'heavy' (expected a whole number > 0)"));
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
