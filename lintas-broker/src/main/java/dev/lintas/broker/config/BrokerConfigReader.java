package dev.lintas.broker.config;

import dev.lintas.broker.store.FsyncPolicy;
import dev.lintas.runtime.config.ConfigMap;
import dev.lintas.runtime.config.ConfigNode;
import dev.lintas.runtime.config.Position;

/** Reads the {@code broker} section; problems are collected on the node, with their positions. */
public final class BrokerConfigReader {

    private BrokerConfigReader() {
    }

    public static BrokerConfig read(ConfigNode node) {
        ConfigMap broker = node.map("the broker section (a mapping)", "data-dir", "mqtt", "amqp",
                "users", "allow-anonymous", "store");
        String dataDir = broker.string("data-dir", "./data");
        ConfigMap mqtt = broker.map("mqtt", "the mqtt section (a mapping with listen and limits)",
                mqttKeys());
        ConfigMap webSocket = mqtt.map("websocket", "the websocket section (a mapping with listen and tls)", "listen",
                "tls");
        ConfigMap amqp = broker.map("amqp", "the amqp section (a mapping with listen)", "listen");
        ConfigMap store = broker.map("store", "the store section (a mapping with fsync)", "fsync");
        FsyncPolicy fsync = store.parsed("fsync", "always, never, or every and a duration like every 100ms",
                FsyncPolicy::parse).orElse(FsyncPolicy.ALWAYS);
        return new BrokerConfig(dataDir,
                mqtt.listenAddress("listen").orElse(null), valuePosition(mqtt, "listen"),
                amqp.listenAddress("listen").orElse(null), valuePosition(amqp, "listen"),
                MqttSettingsReader.read(mqtt), AuthConfigReader.read(broker),
                webSocket.listenAddress("listen").orElse(null), valuePosition(webSocket, "listen"), fsync,
                TlsListenerReader.read(mqtt), TlsListenerReader.read(webSocket));
    }

    private static String[] mqttKeys() {
        String[] keys = new String[MqttSettingsReader.KEYS.length + 3];
        keys[0] = "listen";
        keys[1] = "websocket";
        keys[2] = "tls";
        System.arraycopy(MqttSettingsReader.KEYS, 0, keys, 3, MqttSettingsReader.KEYS.length);
        return keys;
    }

    private static Position valuePosition(ConfigMap map, String key) {
        return map.get(key).map(ConfigNode::position).orElse(map.position());
    }
}
