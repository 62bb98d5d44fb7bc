package dev.lintas.gateway.testing;

import java.util.ArrayList;
import java.util.List;

/** The {@link TestBackend}s a test starts, closed together when it ends (for instance with {@code @AutoClose}). */
public final class TestBackends implements AutoCloseable {

    private final List<TestBackend> started = new ArrayList<>();

    public TestBackend start(String name) {
        TestBackend backend = TestBackend.start(name);
        started.add(backend);
        return backend;
    }

    @Override
    public void close() {
        started.forEach(TestBackend::close);
        started.clear();
    }
}
