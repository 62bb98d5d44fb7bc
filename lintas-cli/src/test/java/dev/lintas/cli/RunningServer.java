package dev.lintas.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.lintas.runtime.config.ConfigException;

/**
 * A {@link LintasServer} started in this JVM from a config file, with listeners on port 0, and an HTTP/1.1 client
 * for its gateway and admin listeners.
 */
final class RunningServer implements AutoCloseable {

    private final LintasServer server;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private boolean closed;

    private RunningServer(LintasServer server) {
        this.server = server;
    }

    /** Writes {@code yaml} to {@code file}, then starts a server from it. */
    static RunningServer start(Path file, String yaml) throws IOException, ConfigException, InterruptedException {
        Files.writeString(file, yaml);
        RunningServer running = new RunningServer(new LintasServer(LintasConfig.load(file), 1));
        try {
            running.server.start();
        } catch (IOException | InterruptedException | RuntimeException e) {
            running.close();
            throw e;
        }
        return running;
    }

    LintasServer server() {
        return server;
    }

    HttpResponse<String> gateway(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(server.gatewayAddress("web"), path)).build());
    }

    HttpResponse<String> admin(String method, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(server.adminAddress(), path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(InetSocketAddress address, String path) {
        return URI.create("http://127.0.0.1:" + address.getPort() + path);
    }

    /** Stops the server; a second call does nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            server.close();
            client.close();
        }
    }
}
