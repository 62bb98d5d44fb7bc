package dev.lintas.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.runtime.net.HostPort;

/** What a section reads as when keys are left out, and that the short and long ways of writing a server agree. */
class GatewayConfigDefaultsTest {

    private static UpstreamConfig upstream(String yaml) {
        return GatewayUnderTest.parse(yaml).upstreams().get("app");
    }

    @Test
    void upstreamWithOnlyServersGetsTheDocumentedDefaults() {
        UpstreamConfig app = upstream("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                """);

        assertThat(app.name()).isEqualTo("app");
        assertThat(app.balance()).isEqualTo(Defaults.BALANCE).isEqualTo(Balance.ROUND_ROBIN);
        assertThat(app.retries()).isEqualTo(Defaults.RETRIES);
        assertThat(app.connectTimeout()).isEqualTo(Defaults.CONNECT_TIMEOUT);
        assertThat(app.responseTimeout()).isEqualTo(Defaults.RESPONSE_TIMEOUT);
        assertThat(app.idleTimeout()).isEqualTo(Defaults.UPSTREAM_IDLE_TIMEOUT);
        assertThat(app.totalTimeout()).isEqualTo(Defaults.TOTAL_TIMEOUT);
        assertThat(app.keepaliveTimeout()).isEqualTo(Defaults.KEEPALIVE_TIMEOUT);
        assertThat(app.keepalive()).isEqualTo(Defaults.KEEPALIVE_CONNECTIONS);
        assertThat(app.maxFails()).isEqualTo(Defaults.MAX_FAILS);
        assertThat(app.failTimeout()).isEqualTo(Defaults.FAIL_TIMEOUT);
        assertThat(app.healthCheck()).isNull();
    }

    @Test
    void shortFormServerHasDefaultWeightAndIsNotABackup() {
        UpstreamConfig app = upstream("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - 10.0.0.1:3000
                """);

        assertThat(app.servers()).containsExactly(
                new ServerConfig(new HostPort("10.0.0.1", 3000), Defaults.WEIGHT, false));
    }

    @Test
    void longFormServerReadsAddressWeightAndBackup() {
        UpstreamConfig app = upstream("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - address: 10.0.0.2:3000
                          weight: 3
                        - address: 10.0.0.3:3000
                          backup: true
                """);

        assertThat(app.servers()).containsExactly(
                new ServerConfig(new HostPort("10.0.0.2", 3000), 3, false),
                new ServerConfig(new HostPort("10.0.0.3", 3000), Defaults.WEIGHT, true));
    }

    @Test
    void shortAndLongFormsMixInOneListInTheOrderWritten() {
        UpstreamConfig app = upstream("""
                gateway:
                  upstreams:
                    app:
                      servers:
                        - 10.0.0.1:3000
                        - address: 10.0.0.2:3000
                          weight: 2
                        - app-3.internal:3000
                        - address: "[fd00::4]:3000"
                          backup: yes
                """);

        assertThat(app.servers()).containsExactly(
                new ServerConfig(new HostPort("10.0.0.1", 3000), 1, false),
                new ServerConfig(new HostPort("10.0.0.2", 3000), 2, false),
                new ServerConfig(new HostPort("app-3.internal", 3000), 1, false),
                new ServerConfig(new HostPort("fd00::4", 3000), 1, true));
    }

    @Test
    void flowListOfServersReadsLikeABlockList() {
        UpstreamConfig app = upstream("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000, 10.0.0.1:3001]
                """);

        assertThat(app.servers()).extracting(ServerConfig::address)
                .containsExactly(new HostPort("10.0.0.1", 3000), new HostPort("10.0.0.1", 3001));
    }

    @Test
    void healthCheckWithOnlyAPathGetsTheDocumentedDefaults() {
        UpstreamConfig app = upstream("""
                gateway:
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                      health-check:
                        path: /health
                """);

        assertThat(app.healthCheck()).isEqualTo(new HealthCheckConfig("/health", Defaults.HEALTH_INTERVAL,
                Defaults.HEALTH_TIMEOUT, Defaults.HEALTH_RISE, Defaults.HEALTH_FALL));
    }

    @Test
    void everyUpstreamKeyIsRead() {
        UpstreamConfig app = upstream("""
                gateway:
                  upstreams:
                    app:
                      balance: least-conn
                      servers: [10.0.0.1:3000]
                      retries: 0
                      connect-timeout: 500ms
                      response-timeout: 30s
                      idle-timeout: 2m
                      total-timeout: 1h
                      keepalive-timeout: 3s
                      keepalive: 0
                      max-fails: 0
                      fail-timeout: 20s
                      health-check:
                        path: /ready
                        interval: 1s
                        timeout: 250ms
                        rise: 1
                        fall: 5
                """);

        assertThat(app).isEqualTo(new UpstreamConfig("app", Balance.LEAST_CONN,
                List.of(new ServerConfig(new HostPort("10.0.0.1", 3000), 1, false)), 0,
                Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofHours(1),
                Duration.ofSeconds(3), 0, 0, Duration.ofSeconds(20),
                new HealthCheckConfig("/ready", Duration.ofSeconds(1), Duration.ofMillis(250), 1, 5)));
    }

    @Test
    void everyBalanceIsReadByItsConfigName() {
        for (Balance balance : Balance.values()) {
            UpstreamConfig app = upstream("""
                    gateway:
                      upstreams:
                        app:
                          balance: %s
                          servers: [10.0.0.1:3000]
                    """.formatted(balance.configName()));

            assertThat(app.balance()).isEqualTo(balance);
        }
    }

    @Test
    void gatewayWithoutListenersListensOnTheDefaultAddress() {
        GatewayConfig gateway = GatewayUnderTest.parse("""
                gateway:
                  access-log: off
                """);

        assertThat(gateway.listeners()).singleElement().satisfies(listener -> {
            assertThat(listener.name()).isEqualTo(Defaults.LISTENER_NAME);
            assertThat(listener.listen()).isEqualTo(Defaults.LISTEN).isEqualTo(new HostPort("0.0.0.0", 8080));
        });
    }

    @Test
    void emptyGatewaySectionGetsEveryDefault() {
        GatewayConfig gateway = GatewayUnderTest.parse("gateway:\n");

        assertThat(gateway.listeners()).extracting(ListenerConfig::listen).containsExactly(Defaults.LISTEN);
        assertThat(gateway.routes()).isEmpty();
        assertThat(gateway.upstreams()).isEmpty();
        assertThat(gateway.accessLog()).isEqualTo(Defaults.ACCESS_LOG);
        assertThat(gateway.drainTimeout()).isEqualTo(Defaults.DRAIN_TIMEOUT);
    }

    @Test
    void listenerWithOnlyAnAddressIsNamedAfterItAndGetsTheDocumentedLimits() {
        GatewayConfig gateway = GatewayUnderTest.parse("""
                gateway:
                  listeners:
                    - listen: 127.0.0.1:0
                """);

        assertThat(gateway.listeners()).singleElement().satisfies(listener -> {
            assertThat(listener.name()).isEqualTo("127.0.0.1:0");
            assertThat(listener.headerTimeout()).isEqualTo(Defaults.HEADER_TIMEOUT);
            assertThat(listener.idleTimeout()).isEqualTo(Defaults.DOWNSTREAM_IDLE_TIMEOUT);
            assertThat(listener.maxHeaderSize()).isEqualTo(Defaults.MAX_HEADER_SIZE);
            assertThat(listener.maxBodySize()).isEqualTo(Defaults.MAX_BODY_SIZE);
        });
    }

    @Test
    void everyListenerKeyIsRead() {
        GatewayConfig gateway = GatewayUnderTest.parse("""
                gateway:
                  listeners:
                    - name: public
                      listen: "[::]:0"
                      header-timeout: 3s
                      idle-timeout: 90s
                      max-header-size: 64KiB
                      max-body-size: 10MiB
                  access-log: /var/log/lintas/access.log
                  drain-timeout: 30s
                """);

        assertThat(gateway.listeners()).singleElement().satisfies(listener -> {
            assertThat(listener.name()).isEqualTo("public");
            assertThat(listener.listen()).isEqualTo(new HostPort("::", 0));
            assertThat(listener.headerTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(listener.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
            assertThat(listener.maxHeaderSize()).isEqualTo(64 * 1024);
            assertThat(listener.maxBodySize()).isEqualTo(10L << 20);
        });
        assertThat(gateway.accessLog()).isEqualTo("/var/log/lintas/access.log");
        assertThat(gateway.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void routeWithoutHostOrPathMatchesAnyHostFromTheRoot() {
        GatewayConfig gateway = GatewayUnderTest.parse("""
                gateway:
                  routes:
                    - upstream: app
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                """);

        assertThat(gateway.routes()).containsExactly(new RouteConfig(null, "/", "app"));
    }

    @Test
    void routesKeepTheirOrderAndHostsAreLowerCased() {
        GatewayConfig gateway = GatewayUnderTest.parse("""
                gateway:
                  routes:
                    - host: Shop.Example.COM
                      path: /api/
                      upstream: app
                    - host: "*.internal"
                      upstream: app
                  upstreams:
                    app:
                      servers: [10.0.0.1:3000]
                """);

        assertThat(gateway.routes()).containsExactly(
                new RouteConfig("shop.example.com", "/api/", "app"),
                new RouteConfig("*.internal", "/", "app"));
    }
}
