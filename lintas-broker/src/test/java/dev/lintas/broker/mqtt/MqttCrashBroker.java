package dev.lintas.broker.mqtt;

import dev.lintas.broker.Broker;
import dev.lintas.broker.auth.AuthConfig;
import dev.lintas.broker.config.BrokerConfig;
import dev.lintas.broker.store.FsyncPolicy;
import dev.lintas.runtime.RuntimeContext;
import dev.lintas.runtime.net.HostPort;

import java.util.concurrent.CountDownLatch;

/**
 * The broker of {@link MqttCrashTest}, in a child JVM: starts {@link Broker} with its durable store in the directory
 * given ({@code fsync: always}) and MQTT on port 0 of 127.0.0.1, prints {@code PORT <port>}, and runs until it is
 * killed.
 */
public final class MqttCrashBroker {

    private MqttCrashBroker() {
    }

    public static void main(String[] args) throws Exception {
        RuntimeContext context = new RuntimeContext(2);
        Broker broker = new Broker(context, MqttSettings.DEFAULTS, AuthConfig.DEFAULTS);
        broker.start(new BrokerConfig(args[0], new HostPort("127.0.0.1", 0), null, null, null, MqttSettings.DEFAULTS,
                AuthConfig.DEFAULTS, null, null, FsyncPolicy.ALWAYS));
        System.out.println("PORT " + broker.mqttAddress().getPort());
        System.out.flush();
        new CountDownLatch(1).await(); // Until kill -9.
    }
}
