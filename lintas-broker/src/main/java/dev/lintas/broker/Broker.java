package dev.lintas.broker;

import dev.lintas.broker.auth.AuthConfig;
import dev.lintas.broker.auth.Authenticator;
import dev.lintas.broker.config.BrokerConfig;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.VirtualHost;
import dev.lintas.broker.mqtt.MqttBroker;
import dev.lintas.broker.mqtt.MqttDrops;
import dev.lintas.broker.mqtt.MqttInitializer;
import dev.lintas.broker.mqtt.MqttSettings;
import dev.lintas.broker.store.DurableStore;
import dev.lintas.broker.store.StoreOptions;
import dev.lintas.runtime.RuntimeContext;
import dev.lintas.runtime.net.HostPort;
import dev.lintas.runtime.net.Listeners;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The broker service: the durable store under {@code broker.data-dir}, one virtual host restored from it, and the MQTT
 * listener on the shared runtime's event loops. Lifecycle methods are called from one control thread (the CLI's),
 * never from an event loop. The host and the MQTT service exist from {@link #start} on.
 */
public final class Broker {

    private static final Logger log = LoggerFactory.getLogger(Broker.class);
    /** The listener's name in the runtime's registry, which /health reports. */
    public static final String MQTT_LISTENER = "mqtt";
    /** The MQTT-over-WebSocket listener's name in the registry. */
    public static final String MQTT_WEBSOCKET_LISTENER = "mqtt-websocket";

    private static final int HASHING_THREADS = 2;
    private static final int HASHING_QUEUE = 1024;

    /** Where the service is in its life. */
    private enum State { NEW, RUNNING, STOPPED }

    private final RuntimeContext context;
    private final MqttSettings mqttSettings;
    private final MqttDrops drops = new MqttDrops(QueueJournal.NONE);
    private final Authenticator authenticator;
    /**
     * Checks password hashes off the event loops: a few threads, since each check is deliberately slow, and a bounded
     * queue, so that a flood of CONNECTs is refused (server busy) rather than queued without end.
     */
    private final ThreadPoolExecutor hashing = new ThreadPoolExecutor(HASHING_THREADS, HASHING_THREADS, 30,
            TimeUnit.SECONDS, new ArrayBlockingQueue<>(HASHING_QUEUE),
            Thread.ofPlatform().name("lintas-auth-", 0).daemon().factory());
    /** Made by {@link #start}: the store first, then the host restored from it, then the MQTT service on the host. */
    private DurableStore store;
    private Path storeDir;
    private VirtualHost host;
    private MqttBroker mqtt;
    private Meter storeFailures;
    private final ChannelGroup connections = new DefaultChannelGroup("mqtt", GlobalEventExecutor.INSTANCE);
    private State state = State.NEW;
    private Channel mqttChannel;
    private Listeners.Entry mqttEntry;
    private Channel webSocketChannel;
    private Listeners.Entry webSocketEntry;
    private ScheduledFuture<?> sweeper;
    private List<Meter> meters = List.of();

    public Broker(RuntimeContext context) {
        this(context, MqttSettings.DEFAULTS);
    }

    public Broker(RuntimeContext context, MqttSettings mqttSettings) {
        this(context, mqttSettings, AuthConfig.DEFAULTS);
    }

    /** @param auth the users and whether anonymous clients are let in; see {@link Authenticator} */
    public Broker(RuntimeContext context, MqttSettings mqttSettings, AuthConfig auth) {
        this.context = context;
        this.mqttSettings = mqttSettings;
        hashing.allowCoreThreadTimeOut(true);
        this.authenticator = new Authenticator(auth, hashing);
    }

    /** Binds the configured listeners; throws, with nothing left bound, when one cannot be bound. */
    public void start(BrokerConfig config) throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException("state: " + state + " (expected: NEW)");
        }
        openStore(config);
        mqtt = new MqttBroker(host, System::currentTimeMillis, mqttSettings, drops, authenticator, store);
        mqtt.restore(context.loops().next());
        if (store != null) {
            log.info("{} ({})", store.recovery().summary(), storeDir);
        }
        if (config.mqtt() != null) {
            try {
                mqttChannel = bind("the MQTT listener", config.mqtt(),
                        new MqttInitializer(mqtt, mqttSettings, connections));
            } catch (IOException e) {
                closeStore();
                throw e;
            }
            mqttEntry = context.listeners().add(MQTT_LISTENER);
            mqttEntry.up((InetSocketAddress) mqttChannel.localAddress());
            log.info("broker MQTT listener on {}", mqttChannel.localAddress());
            if (store == null) {
                log.info("no broker.data-dir: MQTT messages and sessions are kept in memory only, and an "
                        + "acknowledged message (PUBACK, PUBREC) does not survive a restart");
            }
        }
        if (config.mqttWebSocket() != null) {
            try {
                webSocketChannel = bind("the MQTT WebSocket listener", config.mqttWebSocket(),
                        MqttInitializer.webSocket(mqtt, mqttSettings, connections));
            } catch (IOException e) {
                unbind(); // Nothing left bound.
                closeStore();
                throw e;
            }
            webSocketEntry = context.listeners().add(MQTT_WEBSOCKET_LISTENER);
            webSocketEntry.up((InetSocketAddress) webSocketChannel.localAddress());
            log.info("broker MQTT-over-WebSocket listener on {}, path /mqtt", webSocketChannel.localAddress());
        }
        meters = mqtt.metrics().register(context.metrics(), mqtt);
        if (store != null) {
            storeFailures = FunctionCounter.builder("lintas.broker.store.write.failures", store,
                            DurableStore::failedWrites)
                    .description("batches of records the durable store failed to write (disk full, I/O errors)")
                    .register(context.metrics());
        }
        if (config.amqp() != null) {
            log.warn("the broker's AMQP listener ({}) is not part of this build yet; not started", config.amqp());
        }
        sweeper = context.loops().next().scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
        state = State.RUNNING;
    }

    private Channel bind(String what, HostPort address, ChannelInitializer<Channel> initializer)
            throws IOException {
        return RuntimeContext.bind(context.listenerBootstrap().childHandler(initializer), what, address);
    }

    /** Closes the listening channels and takes them out of the registry. */
    private void unbind() {
        if (mqttChannel != null) {
            mqttEntry.down();
            context.listeners().remove(mqttEntry);
            mqttChannel.close().syncUninterruptibly();
            log.info("broker MQTT listener closed");
        }
        if (webSocketChannel != null) {
            webSocketEntry.down();
            context.listeners().remove(webSocketEntry);
            webSocketChannel.close().syncUninterruptibly();
            log.info("broker MQTT WebSocket listener closed");
        }
    }

    /**
     * Opens the store and restores the host from it; with no data-dir, the host lives in memory only. The MQTT state
     * (retained messages, sessions, wills) is restored by {@link MqttBroker#restore}, and the recovery summary logged
     * after it.
     */
    private void openStore(BrokerConfig config) throws IOException {
        if (config.dataDir() == null) {
            host = new VirtualHost("/", System::currentTimeMillis, drops);
            return;
        }
        Path dir = Path.of(config.dataDir()).resolve("store");
        storeDir = dir;
        store = DurableStore.open(dir, StoreOptions.of(config.fsync()));
        host = new VirtualHost("/", System::currentTimeMillis, drops, store);
        store.recovery().restore(host);
        if (config.fsync().weaker()) {
            log.warn("store: fsync is '{}', a weaker promise than 'always': {}", config.fsync(),
                    config.fsync().promise());
        }
    }

    private void closeStore() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    private void sweep() {
        try {
            mqtt.expire();
            host.expireMessages();
        } catch (RuntimeException e) {
            log.warn("broker sweep failed", e);
        }
    }

    /** The MQTT listener's bound address, or null; useful with port 0. */
    public InetSocketAddress mqttAddress() {
        Channel channel = mqttChannel;
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    /** The MQTT-over-WebSocket listener's bound address, or null; useful with port 0. */
    public InetSocketAddress mqttWebSocketAddress() {
        Channel channel = webSocketChannel;
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    /** The durable store, or null without a data-dir. */
    public DurableStore store() {
        return store;
    }

    /** The MQTT service: sessions, and the dropped-message count. */
    public MqttBroker mqtt() {
        return mqtt;
    }

    public VirtualHost host() {
        return host;
    }

    /** The number of open MQTT connections. */
    public int connections() {
        return connections.size();
    }

    /** Unbinds the listeners and closes every connection. */
    public void stop() {
        if (state != State.RUNNING) {
            state = State.STOPPED;
            hashing.shutdownNow();
            return;
        }
        state = State.STOPPED;
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        unbind();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        hashing.shutdownNow();
        meters.forEach(context.metrics()::remove);
        if (storeFailures != null) {
            context.metrics().remove(storeFailures);
        }
        closeStore();
    }
}
