package dev.lintas.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lintas.broker.auth.AuthConfig;
import dev.lintas.broker.config.BrokerConfig;
import dev.lintas.broker.core.Delivery;
import dev.lintas.broker.core.QueueSpec;
import dev.lintas.broker.core.Subscription;
import dev.lintas.broker.mqtt.MqttSettings;
import dev.lintas.broker.store.FsyncPolicy;
import dev.lintas.runtime.RuntimeContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker opens its store under data-dir at start, restores from it, and closes it at stop. */
class BrokerStoreTest {

    @TempDir
    Path dir;

    private BrokerConfig config() {
        return new BrokerConfig(dir.toString(), null, null, null, null, MqttSettings.DEFAULTS, AuthConfig.DEFAULTS,
                null, null, FsyncPolicy.ALWAYS);
    }

    @Test
    void aDurableQueueAndItsMessagesComeBackAfterARestart() throws Exception {
        try (RuntimeContext context = new RuntimeContext(1)) {
            Broker broker = new Broker(context);
            broker.start(config());
            broker.host().declareQueue(QueueSpec.named("jobs").asDurable(), null);
            broker.host().publishDurably(broker.host().message("", "jobs").payload("job".getBytes())
                    .persistent(true).build()).durable().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(broker.store()).isNotNull();
            broker.stop();

            Broker again = new Broker(context);
            again.start(config());
            try {
                Subscription getter = again.host().queue("jobs", null).getter();
                Delivery delivery = getter.get(false).orElseThrow();
                assertThat(new String(delivery.message().payload())).isEqualTo("job");
            } finally {
                again.stop();
            }
        }
        assertThat(Files.isDirectory(dir.resolve("store"))).isTrue();
    }

    @Test
    void withoutADataDirNothingIsStored() throws Exception {
        try (RuntimeContext context = new RuntimeContext(1)) {
            Broker broker = new Broker(context);
            broker.start(new BrokerConfig(null, null, null, null, null, MqttSettings.DEFAULTS, AuthConfig.DEFAULTS,
                    null, null, FsyncPolicy.ALWAYS));
            assertThat(broker.store()).isNull();
            assertThat(broker.host().publishDurably(broker.host().message("", "none").build()).durable()
                    .toCompletableFuture()).isCompleted();
            broker.stop();
        }
    }
}
