package dev.lintas.gateway.config;

import static dev.lintas.gateway.config.ReaderProblems.problem;
import static dev.lintas.gateway.config.ReaderProblems.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The gateway section reports unknown keys and values of the wrong type once each, at the line and column where
 * they are written, and reports every problem of a file together. The problems of each part of the section are
 * tested next to it: {@link ListenerReadingTest}, {@link UpstreamReadingTest}, {@link RouteReadingTest}.
 */
class GatewayConfigReaderTest {

    @Test
    void unknownKeyInARouteSuggestsTheNearestKey() {
        assertThat(problemsIn("""
                gateway:
                  routes:
                    - path: /
                      upstrem: app
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                """)).containsExactly(
                problem(3, 7, "missing 'upstream' (expected the name of an upstream)"),
                problem(4, 7, "unknown key 'upstrem' (did you mean 'upstream'?)"));
    }

    @Test
    void unknownKeyInTheGatewaySectionSuggestsTheNearestKey() {
        assertThat(problemsIn("""
                gateway:
                  listners:
                    - listen: 127.0.0.1:0
                """)).containsExactly(problem(2, 3, "unknown key 'listners' (did you mean 'listeners'?)"));
    }

    @Test
    void unknownKeyInAListenerSuggestsTheNearestKey() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - listen: 127.0.0.1:0
                      header-timout: 5s
                """)).containsExactly(problem(4, 7, "unknown key 'header-timout' (did you mean 'header-timeout'?)"));
    }

    @Test
    void unknownKeyInAnUpstreamSuggestsTheNearestKey() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      balanse: least-conn
                      servers: [10.0.0.1:3000]
                """)).containsExactly(problem(4, 7, "unknown key 'balanse' (did you mean 'balance'?)"));
    }

    @Test
    void unknownKeyInAServerMappingSuggestsTheNearestKey() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - address: 10.0.0.1:3000
                          wieght: 2
                """)).containsExactly(problem(6, 11, "unknown key 'wieght' (did you mean 'weight'?)"));
    }

    @Test
    void unknownKeyInAHealthCheckSuggestsTheNearestKey() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      health-check:
                        path: /health
                        intreval: 2s
                """)).containsExactly(problem(7, 9, "unknown key 'intreval' (did you mean 'interval'?)"));
    }

    @Test
    void unknownKeyFarFromEveryKeyListsTheValidKeys() {
        assertThat(problemsIn("""
                gateway:
                  routes:
                    - upstream: app
                      colour: red
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                """)).containsExactly(problem(4, 7, "unknown key 'colour' (expected one of: host, path, upstream)"));
    }

    @Test
    void duplicateKeyIsReportedAtItsSecondAppearance() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      retries: 1
                      retries: 3
                """)).containsExactly(problem(6, 7, "duplicate key 'retries' (first written at line 5)"));
    }

    @Test
    void gatewaySectionThatIsAListIsReported() {
        assertThat(problemsIn("""
                gateway: [web, api]
                """)).containsExactly(problem(1, 10, "expected the gateway section (a mapping), got a list"));
    }

    @Test
    void listenersThatAreAMappingAreReported() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    listen: 127.0.0.1:0
                """)).containsExactly(problem(3, 5, "expected a list of listeners, got a mapping"));
    }

    @Test
    void listenerThatIsAListIsReported() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - [127.0.0.1:0]
                """)).containsExactly(problem(3, 7, "expected a listener (a mapping with listen), got a list"));
    }

    @Test
    void upstreamThatIsAListIsReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app: [10.0.0.1:3000]
                """)).containsExactly(problem(3, 10, "expected an upstream (a mapping with servers), got a list"));
    }

    @Test
    void upstreamsThatAreAListAreReported() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    - app
                """)).containsExactly(problem(3, 5, "expected a mapping of upstream names to upstreams, got a list"));
    }

    @Test
    void accessLogThatIsAListIsReported() {
        assertThat(problemsIn("""
                gateway:
                  access-log: [stdout, file]
                """)).containsExactly(problem(2, 15, "expected a string, got a list"));
    }

    /** Bug: GatewayConfigReader.readUpstream calls map.list("servers") twice, and each call reports the type. */
    @Test
    void serversThatAreAMappingAreReportedOnce() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        address: 10.0.0.1:3000
                """)).filteredOn(p -> p.message().equals("expected a list of servers, got a mapping"))
                .containsExactly(problem(5, 9, "expected a list of servers, got a mapping"));
    }

    /** Bug: after the type problem, the reader also reports "missing 'upstream'" at the same place. */
    @Test
    void routeThatIsNotAMappingIsOneProblem() {
        assertThat(problemsIn("""
                gateway:
                  routes:
                    - /api
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                """)).containsExactly(problem(3, 7, "expected a route (a mapping with upstream), got '/api'"));
    }

    /** Bug: after the type problem, the reader also reports "missing 'address'" at the same place. */
    @Test
    void serverThatIsAListIsOneProblem() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - [10.0.0.1:3000]
                """)).containsExactly(problem(5, 11,
                "expected a server (an address, or a mapping with address), got a list"));
    }

    /** Bug: after the type problem, the reader also reports "missing 'path'" at the same place. */
    @Test
    void healthCheckThatIsAListIsOneProblem() {
        assertThat(problemsIn("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      health-check: [/health]
                """)).containsExactly(problem(5, 21,
                "expected a health check (a mapping with path), got a list"));
    }

    @Test
    void zeroDrainTimeoutIsAllowed() {
        assertThat(problemsIn("""
                gateway:
                  drain-timeout: 0
                """)).isEmpty();
    }

    @Test
    void everyProblemInTheSectionIsReportedInLineOrder() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - listen: 0.0.0.0:99999
                      idle-timout: 5s
                  routes:
                    - path: /
                      upstream: missing
                  upstreams:
                    app:
                      retries: many
                      connect-timeout: 5x
                      servers:
                        - 10.0.0.1:abc
                        - address: 10.0.0.2:3000
                          weight: heavy
                          backup: maybe
                """)).containsExactly(
                problem(3, 15, "listen: '0.0.0.0:99999' (expected an address like 0.0.0.0:8080 or 127.0.0.1:9090)"),
                problem(4, 7, "unknown key 'idle-timout' (did you mean 'idle-timeout'?)"),
                problem(7, 17, "route names upstream 'missing', which does not exist (expected one of: app)"),
                problem(10, 16, "retries: 'many' (expected a whole number >= 0)"),
                problem(11, 24, "connect-timeout: '5x' (expected a duration like 2s or 500ms)"),
                problem(13, 11, "bad server address '10.0.0.1:abc' (expected host:port like 10.0.0.1:3000, port 1-65535)"),
                problem(15, 19, "weight: 'heavy' (expected a whole number from 1 to 1000)"),
                problem(16, 19, "backup: 'maybe' (expected true, false, yes, no, on or off)"));
    }
}
