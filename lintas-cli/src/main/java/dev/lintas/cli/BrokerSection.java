package dev.lintas.cli;

import dev.lintas.runtime.config.ConfigMap;
import dev.lintas.runtime.config.ConfigNode;
import dev.lintas.runtime.config.Position;
import dev.lintas.runtime.net.HostPort;

/**
 * The {@code broker} section as far as this build knows it: its keys are checked so that a config written for a
 * full Lintas passes {@code lintas check}, but the broker itself is not part of this build yet, and {@code run}
 * says so instead of pretending to serve it.
 *
 * @param mqtt     the MQTT listen address, or null
 * @param amqp     the AMQP listen address, or null
 */
record BrokerSection(String dataDir, HostPort mqtt, Position mqttPosition, HostPort amqp, Position amqpPosition) {

    static BrokerSection read(ConfigNode node) {
        ConfigMap broker = node.map("the broker section (a mapping)", "data-dir", "mqtt", "amqp");
        String dataDir = broker.string("data-dir", "./data");
        ConfigMap mqtt = broker.map("mqtt", "the mqtt section (a mapping with listen)", "listen");
        ConfigMap amqp = broker.map("amqp", "the amqp section (a mapping with listen)", "listen");
        return new BrokerSection(dataDir,
                mqtt.listenAddress("listen").orElse(null), valuePosition(mqtt, "listen"),
                amqp.listenAddress("listen").orElse(null), valuePosition(amqp, "listen"));
    }

    private static Position valuePosition(ConfigMap map, String key) {
        return map.get(key).map(ConfigNode::position).orElse(map.position());
    }
}
