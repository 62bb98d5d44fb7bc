package dev.lintas.gateway.config;

import static dev.lintas.gateway.config.ReaderProblems.problem;
import static dev.lintas.gateway.config.ReaderProblems.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Problems in {@code gateway.routes}, each at the line and column where it is written. */
class RouteReadingTest {

    @Test
    void routeNamingAnUpstreamThatDoesNotExistListsTheUpstreams() {
        assertThat(problemsIn("""
                gateway:
                  routes:
                    - path: /
                      upstream: ap
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                    api:
                      servers: [10.0.0.2:3000]
                """)).containsExactly(problem(4, 17,
                "route names upstream 'ap', which does not exist (expected one of: app, api)"));
    }

    @Test
    void routeNamingAnUpstreamWhenThereAreNoneSaysSo() {
        assertThat(problemsIn("""
                gateway:
                  routes:
                    - upstream: app
                """)).containsExactly(problem(3, 17,
                "route names upstream 'app', which does not exist (no upstreams are defined)"));
    }

    @Test
    void routePathWithoutALeadingSlashIsReported() {
        assertThat(problemsIn("""
                gateway:
                  routes:
                    - path: api
                      upstream: app
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                """)).containsExactly(problem(3, 13, "path: 'api' (expected a prefix starting with /)"));
    }

    @Test
    void routeHostThatIsNotAHostNameIsReported() {
        assertThat(problemsIn("""
                gateway:
                  routes:
                    - host: "shop example"
                      upstream: app
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                """)).containsExactly(problem(3, 13,
                "host: 'shop example' (expected a host name like app.example.com or *.example.com)"));
    }

    @Test
    void routePathThatIsAMappingIsReported() {
        assertThat(problemsIn("""
                gateway:
                  routes:
                    - path:
                        prefix: /api
                      upstream: app
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                """)).containsExactly(problem(4, 9, "expected a string, got a mapping"));
    }

    @Test
    void routeUpstreamThatIsAMappingIsReported() {
        assertThat(problemsIn("""
                gateway:
                  routes:
                    - upstream: {name: app}
                """)).containsExactly(problem(3, 17, "expected a string, got a mapping"));
    }
}
