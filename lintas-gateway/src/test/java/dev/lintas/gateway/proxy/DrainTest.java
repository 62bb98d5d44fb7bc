package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.RawConnection;
import dev.lintas.gateway.testing.TestBackend;

/** Stopping: a response under way when the stop begins still reaches its client whole, then the connection closes. */
class DrainTest {

    @AutoClose
    private final TestBackend app = TestBackend.start("app");

    @Test
    void aKeepAliveResponseThatEndsAfterTheStopBeganArrivesWhole() throws Exception {
        GatewayUnderTest gateway = GatewayUnderTest.proxyingWithDrain("60s", "", app.address());
        InetSocketAddress address = gateway.address();
        Thread stopping = null;
        try (RawConnection connection = RawConnection.open(address)) {
            connection.send("GET /hold HTTP/1.1\r\nHost: app.test\r\n\r\n");
            String head = connection.readHead();
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: 10")
                    .as("kept alive when the head went out").doesNotContainIgnoringCase("connection: close");
            await().atMost(Duration.ofSeconds(30)).until(app::holding);

            stopping = Thread.ofPlatform().name("stopping").start(gateway.gateway()::stop);
            await().atMost(Duration.ofSeconds(30)).until(() -> refuses(address));
            app.releaseHeld();

            assertThat(new String(connection.readBytes(10), StandardCharsets.US_ASCII)).isEqualTo("helloworld");
            assertThat(connection.readsEndOfStream()).as("closed after the response, since Lintas is stopping")
                    .isTrue();
        } finally {
            if (stopping != null) {
                stopping.join();
            }
            gateway.context().close();
        }
    }

    private static boolean refuses(InetSocketAddress address) {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
