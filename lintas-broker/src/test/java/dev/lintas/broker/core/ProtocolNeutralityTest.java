package dev.lintas.broker.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The core sees no wire: no Netty and no adapter package in any of its sources. */
class ProtocolNeutralityTest {

    private static final Path CORE = Path.of("src/main/java/dev/lintas/broker/core");

    @Test
    void coreSourcesImportNoNettyAndNoAdapter() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(CORE)) {
            sources = files.filter(file -> file.toString().endsWith(".java")).toList();
        }
        assertThat(sources).hasSizeGreaterThan(20);
        assertThat(sources).allSatisfy(source -> assertThat(read(source))
                .as(source.toString())
                .doesNotContain("import io.netty")
                .doesNotContain("import dev.lintas.gateway")
                .doesNotContain("import dev.lintas.broker.mqtt")
                .doesNotContain("import dev.lintas.broker.amqp"));
    }

    private static String read(Path source) {
        try {
            return Files.readString(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
