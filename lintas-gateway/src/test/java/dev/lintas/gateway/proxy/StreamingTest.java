package dev.lintas.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.lintas.gateway.testing.GatewayUnderTest;
import dev.lintas.gateway.testing.TestBackend;
import io.netty.util.internal.PlatformDependent;

/**
 * Bodies stream through in both directions without being held whole: a 1 GiB upload and download pass through
 * a JVM whose heap is 1 GiB, while Netty's direct memory stays small; and a client that stops reading stops the
 * upstream too.
 */
class StreamingTest {

    private static final long GIB = 1L << 30;
    /** Far above what socket buffers and one read or write of each connection hold, far below a body. */
    private static final long BOUND = 64L << 20;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @AutoClose("shutdownNow")
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong peakDirect = new AtomicLong();
    @AutoClose
    private TestBackend backend;
    @AutoClose
    private GatewayUnderTest gateway;

    @BeforeEach
    void setUp() {
        backend = TestBackend.start("big");
        gateway = GatewayUnderTest.proxying("", backend.address());
        long base = PlatformDependent.usedDirectMemory();
        sampler.scheduleAtFixedRate(
                () -> peakDirect.accumulateAndGet(PlatformDependent.usedDirectMemory() - base, Math::max),
                0, 20, TimeUnit.MILLISECONDS);
    }

    @Test
    void oneGibUploadStreamsThroughInBoundedMemory() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gateway.uri("/sink"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(GIB))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Long.toString(GIB));
        assertThat(peakDirect.get()).as("peak direct memory").isLessThan(BOUND);
    }

    @Test
    void oneGibDownloadStreamsThroughInBoundedMemory() throws Exception {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(gateway.uri("/bytes/" + GIB))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        long total = 0;
        byte[] buffer = new byte[256 * 1024];
        try (InputStream body = response.body()) {
            for (int n; (n = body.read(buffer)) >= 0; ) {
                total += n;
            }
        }
        assertThat(total).isEqualTo(GIB);
        assertThat(peakDirect.get()).as("peak direct memory").isLessThan(BOUND);
    }

    @Test
    void aClientThatStopsReadingStopsTheUpstream() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /bytes/" + GIB + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < (1 << 20)) {
                read += in.read(buffer);
            }
            // The client reads no more. The backend must soon be unable to write: wait until it stops.
            AtomicLong last = new AtomicLong(-1);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                long now = backend.bytesSent();
                return now == last.getAndSet(now);
            });
            assertThat(backend.bytesSent()).as("bytes the backend wrote while the client was stalled")
                    .isLessThan(BOUND);
            assertThat(peakDirect.get()).as("peak direct memory").isLessThan(BOUND);
        }
    }

    @Test
    void chunkedRequestAndResponseBodiesPassThroughUnchanged() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("line ").append(i).append('\n');
        }
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gateway.uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(text.toString());
    }

    /** An input stream of {@code size} zero bytes, made as it is read. */
    private static final class Zeros extends InputStream {
        private long remaining;

        Zeros(long size) {
            this.remaining = size;
        }

        @Override
        public int read() {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            remaining -= n;
            return n;
        }
    }
}
