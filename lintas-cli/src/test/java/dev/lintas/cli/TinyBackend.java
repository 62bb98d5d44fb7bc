package dev.lintas.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * An upstream for tests: the JDK's HTTP server on port 0 of 127.0.0.1, one virtual thread per request, so that a
 * handler that waits holds up nobody else.
 */
final class TinyBackend implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger requests = new AtomicInteger();

    private TinyBackend(HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            handler.handle(exchange);
        });
        server.start();
    }

    /** Answers every request with 200 and {@code name} as the body. */
    static TinyBackend named(String name) throws IOException {
        return new TinyBackend(exchange -> answer(exchange, 200, name));
    }

    /** Answers every request with {@code status} and an empty body. */
    static TinyBackend failing(int status) throws IOException {
        return new TinyBackend(exchange -> answer(exchange, status, ""));
    }

    /** Answers with whatever {@code handler} does. */
    static TinyBackend handling(HttpHandler handler) throws IOException {
        return new TinyBackend(handler);
    }

    static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code 127.0.0.1:PORT}, as written in a config's server list. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
