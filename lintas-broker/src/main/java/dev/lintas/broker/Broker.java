package dev.lintas.broker;

import dev.lintas.broker.auth.AuthConfig;
import dev.lintas.broker.auth.Authenticator;
import dev.lintas.broker.config.BrokerConfig;
import dev.lintas.broker.config.TlsListenerConfig;
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
import dev.lintas.runtime.tls.ReloadableTls;
import dev.lintas.runtime.tls.TlsFileException;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The broker service: the durable store under {@code broker.data-dir}, one virtual host restored from it, and the MQTT
 * listeners (plain, WebSocket, and each of them over TLS) on the shared runtime's event loops. Lifecycle methods are
 * called from one control thread (the CLI's), never from an event loop. The host and the MQTT service exist from
 * {@link #start} on.
 */
public final class Broker {

    private static final Logger log = LoggerFactory.getLogger(Broker.class);
    /** The listener's name in the runtime's registry, which /health reports. */
    public static final String MQTT_LISTENER = "mqtt";
    /** The MQTT-over-WebSocket listener's name in the registry. */
    public static final String MQTT_WEBSOCKET_LISTENER = "mqtt-websocket";

    private static final int HASHING_THREADS = 2;
    private static final int HASHING_QUEUE = 1024;

    /** The MQTT-over-TLS listener's name in the registry. */
    public static final String MQTT_TLS_LISTENER = "mqtt-tls";
    /** The MQTT-over-secure-WebSocket listener's name in the registry. */
    public static final String MQTT_WEBSOCKET_TLS_LISTENER = "mqtt-websocket-tls";

    /** Where the service is in its life. */
    private enum State { NEW, RUNNING, STOPPED }

    private record BoundListener(String name, String what, Channel channel, Listeners.Entry entry) {
    }

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
    /** The TLS contexts of the TLS listeners, by listener name; a reload replaces what they hold. */
    private final Map<String, ReloadableTls> tls = new HashMap<>();
    /** The config {@link #start} was given. */
    private BrokerConfig started;
    /** The listeners bound by {@link #start}, in the order bound; changed by the control thread, read by any. */
    private final List<BoundListener> bound = new CopyOnWriteArrayList<>();
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
        started = config;
        openStore(config);
        mqtt = new MqttBroker(host, System::currentTimeMillis, mqttSettings, drops, authenticator, store);
        mqtt.restore(context.loops().next());
        if (store != null) {
            log.info("{} ({})", store.recovery().summary(), storeDir);
        }
        MqttInitializer plain = new MqttInitializer(mqtt, mqttSettings, connections);
        MqttInitializer webSocket = MqttInitializer.webSocket(mqtt, mqttSettings, connections);
        try {
            if (config.mqtt() != null) {
                listen(MQTT_LISTENER, "MQTT listener", config.mqtt(), plain);
            }
            if (config.mqttWebSocket() != null) {
                listen(MQTT_WEBSOCKET_LISTENER, "MQTT-over-WebSocket listener", config.mqttWebSocket(), webSocket);
            }
            if (config.mqttTls() != null) {
                listen(MQTT_TLS_LISTENER, "MQTT-over-TLS listener", config.mqttTls().listen(),
                        plain.withTls(loadTls(MQTT_TLS_LISTENER, config.mqttTls()), MQTT_TLS_LISTENER));
            }
            if (config.mqttWebSocketTls() != null) {
                listen(MQTT_WEBSOCKET_TLS_LISTENER, "MQTT-over-secure-WebSocket listener",
                        config.mqttWebSocketTls().listen(), webSocket.withTls(
                                loadTls(MQTT_WEBSOCKET_TLS_LISTENER, config.mqttWebSocketTls()),
                                MQTT_WEBSOCKET_TLS_LISTENER));
            }
        } catch (IOException e) {
            unbind(); // Nothing left bound.
            closeStore();
            throw e;
        }
        if (!bound.isEmpty() && store == null) {
            log.info("no broker.data-dir: MQTT messages and sessions are kept in memory only, and an "
                    + "acknowledged message (PUBACK, PUBREC) does not survive a restart");
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

    /** Binds one listener and registers it under {@code name}, so that /health covers it. */
    private void listen(String name, String what, HostPort address, ChannelInitializer<Channel> initializer)
            throws IOException {
        Channel channel = RuntimeContext.bind(context.listenerBootstrap().childHandler(initializer), "the " + what,
                address);
        Listeners.Entry entry = context.listeners().add(name);
        entry.up((InetSocketAddress) channel.localAddress());
        bound.add(new BoundListener(name, what, channel, entry));
        log.info("broker {} on {}{}", what, channel.localAddress(),
                name.startsWith(MQTT_WEBSOCKET_LISTENER) ? ", path /mqtt" : "");
    }

    /** The TLS context of a listener, read from its files now; a file that went bad since the check fails start. */
    private ReloadableTls loadTls(String name, TlsListenerConfig config) throws IOException {
        try {
            ReloadableTls context = ReloadableTls.load(config.tls());
            tls.put(name, context);
            return context;
        } catch (TlsFileException e) {
            throw unusable(name, e);
        }
    }

    private static IOException unusable(String listener, TlsFileException e) {
        return new IOException("the " + listener + " listener: " + e.source().key() + ": " + e.getMessage(), e);
    }

    /**
     * Reads the TLS files of {@code next} for every TLS listener that keeps its address, and returns what makes them
     * serve new connections (open ones keep theirs): a renewed certificate, or a changed key, CA, client-auth or
     * protocol list. A TLS listener whose address changed, or that {@code next} adds or removes, waits for a restart.
     * Throws, with nothing changed, when a file cannot be used. Control thread only.
     */
    public Runnable prepareTlsReload(BrokerConfig next) throws IOException {
        if (state != State.RUNNING) {
            return () -> { };
        }
        List<Runnable> swaps = new ArrayList<>();
        prepareTlsReload(swaps, MQTT_TLS_LISTENER, started.mqttTls(), next.mqttTls());
        prepareTlsReload(swaps, MQTT_WEBSOCKET_TLS_LISTENER, started.mqttWebSocketTls(), next.mqttWebSocketTls());
        return () -> swaps.forEach(Runnable::run);
    }

    private void prepareTlsReload(List<Runnable> swaps, String name, TlsListenerConfig running,
            TlsListenerConfig next) throws IOException {
        ReloadableTls context = tls.get(name);
        if (context == null || next == null || !next.listen().equals(running.listen())) {
            return;
        }
        try {
            Runnable swap = context.prepare(next.tls());
            swaps.add(() -> {
                swap.run();
                log.info("broker {}: TLS files reloaded ({}, {}); new connections use them", name, next.tls().cert(),
                        next.tls().key());
            });
        } catch (TlsFileException e) {
            throw unusable(name, e);
        }
    }

    /** Closes the listening channels and takes them out of the registry. */
    private void unbind() {
        for (BoundListener listener : bound) {
            listener.entry().down();
            context.listeners().remove(listener.entry());
            listener.channel().close().syncUninterruptibly();
            log.info("broker {} closed", listener.what());
        }
        bound.clear();
    }

    /** The bound address of the listener registered as {@code name}, or null. */
    private InetSocketAddress address(String name) {
        for (BoundListener listener : bound) {
            if (listener.name().equals(name)) {
                return (InetSocketAddress) listener.channel().localAddress();
            }
        }
        return null;
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
        return address(MQTT_LISTENER);
    }

    /** The MQTT-over-WebSocket listener's bound address, or null; useful with port 0. */
    public InetSocketAddress mqttWebSocketAddress() {
        return address(MQTT_WEBSOCKET_LISTENER);
    }

    /** The MQTT-over-TLS listener's bound address, or null; useful with port 0. */
    public InetSocketAddress mqttTlsAddress() {
        return address(MQTT_TLS_LISTENER);
    }

    /** The MQTT-over-secure-WebSocket listener's bound address, or null; useful with port 0. */
    public InetSocketAddress mqttWebSocketTlsAddress() {
        return address(MQTT_WEBSOCKET_TLS_LISTENER);
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
