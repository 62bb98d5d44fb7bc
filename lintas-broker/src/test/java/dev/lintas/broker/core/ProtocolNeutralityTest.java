package dev.lintas.broker.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The core sees no wire: no Netty and no adapter package in any of its sources, and it does not depend on the store
 * below it. The store sees no wire either.
 */
class ProtocolNeutralityTest {

    private static final Path CORE = Path.of("src/main/java/dev/lintas/broker/core");
    private static final Path STORE = Path.of("src/main/java/dev/lintas/broker/store");

    @Test
    void coreSourcesImportNoNettyAndNoAdapter() throws IOException {
        assertNoImports(CORE, 20, "io.netty", "dev.lintas.gateway", "dev.lintas.broker.mqtt",
                "dev.lintas.broker.amqp", "dev.lintas.broker.store");
    }

    @Test
    void storeSourcesImportNoNettyAndNoAdapter() throws IOException {
        assertNoImports(STORE, 10, "io.netty", "dev.lintas.broker.mqtt", "dev.lintas.broker.amqp");
    }

    private static void assertNoImports(Path dir, int atLeast, String... packages) throws IOException {
        List<Path> sources = sources(dir);
        assertThat(sources).hasSizeGreaterThan(atLeast);
        for (Path source : sources) {
            String text = read(source);
            for (String forbidden : packages) {
                assertThat(text).as(source.toString()).doesNotContain("import " + forbidden);
            }
        }
    }

    private static List<Path> sources(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(file -> file.toString().endsWith(".java")).toList();
        }
    }

    private static String read(Path source) {
        try {
            return Files.readString(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
