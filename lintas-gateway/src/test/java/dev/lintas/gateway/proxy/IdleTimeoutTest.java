package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.RawConnection;
import dev.lintas.gateway.testing.TestBackend;

/** Connections where nothing moves are closed, on either side. */
class IdleTimeoutTest {

    private static final String GET = "GET %s HTTP/1.1\r\nHost: test\r\n\r\n";

    @AutoClose
    private final TestBackend app = TestBackend.start("app");
    @AutoClose
    private GatewayUnderTest gateway;

    @Test
    void anIdleKeepAliveClientIsClosed() throws Exception {
        gateway = GatewayUnderTest.start("""
                gateway:
                  access-log: off
                  listeners:
                    - listen: 127.0.0.1:0
                      idle-timeout: 300ms
                  routes:
                    - upstream: app
                  upstreams:
                    app:
                      servers: [%s]
                """.formatted(app.address()));
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send(GET.formatted("/"));
            assertThat(connection.readResponse().status()).isEqualTo(200);
            // Nothing more is sent: the gateway closes the connection on its own.
            assertThat(connection.readsEndOfStream()).isTrue();
        }
    }

    @Test
    void anUpstreamThatStallsMidResponseIsAbandonedAndTheClientCut() throws Exception {
        gateway = GatewayUnderTest.proxying("idle-timeout: 300ms", app.address());
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send(GET.formatted("/stall"));
            // 10 of 100 bytes come, then the upstream goes quiet: the client's connection ends short of the body.
            assertThatThrownBy(connection::readResponse).isInstanceOf(EOFException.class)
                    .hasMessageContaining("inside a body of 100 bytes");
        }
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            connection.send(GET.formatted("/"));
            assertThat(connection.readResponse().bodyText()).isEqualTo("app");
        }
    }

    @Test
    void aPipelinedRequestHeadThatStallsGetsTheHeaderTimeout() throws Exception {
        gateway = GatewayUnderTest.start("""
                gateway:
                  access-log: off
                  listeners:
                    - listen: 127.0.0.1:0
                      header-timeout: 300ms
                      idle-timeout: 10m
                  routes:
                    - upstream: app
                  upstreams:
                    app:
                      servers: [%s]
                """.formatted(app.address()));
        try (RawConnection connection = RawConnection.open(gateway.address())) {
            // A whole request, then the start of a second one that never ends.
            connection.send(GET.formatted("/") + "GET / HTTP/1.1\r\nHo");
            assertThat(connection.readResponse().status()).isEqualTo(200);
            assertThat(connection.readResponse().status()).isEqualTo(408);
            assertThat(connection.readsEndOfStream()).isTrue();
        }
    }
}
