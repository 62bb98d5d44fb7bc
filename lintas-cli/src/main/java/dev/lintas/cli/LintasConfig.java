package dev.lintas.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.lintas.broker.config.BrokerConfig;
import dev.lintas.broker.config.BrokerConfigReader;
import dev.lintas.gateway.config.GatewayConfig;
import dev.lintas.gateway.config.GatewayConfigReader;
import dev.lintas.gateway.config.ListenerConfig;
import dev.lintas.runtime.admin.AdminConfig;
import dev.lintas.runtime.config.ConfigException;
import dev.lintas.runtime.config.ConfigMap;
import dev.lintas.runtime.config.ConfigNode;
import dev.lintas.runtime.config.Position;
import dev.lintas.runtime.config.Problems;
import dev.lintas.runtime.config.YamlLoader;
import dev.lintas.runtime.net.HostPort;

/**
 * The whole config file: one section per part, each optional. A section that is absent turns its part off. The
 * checks that span sections, such as two listeners on one address, are made here.
 *
 * @param file    the file read, or null for the built-in defaults
 * @param admin   the admin listener, or null when off
 * @param gateway the gateway, or null when off
 * @param broker  the broker section, or null when absent
 */
record LintasConfig(Path file, AdminConfig admin, GatewayConfig gateway, BrokerConfig broker) {

    static final String DEFAULT_FILE = "lintas.yaml";
    private static final String BUILT_IN = "(built-in defaults)";

    /**
     * The built-in defaults: admin on 127.0.0.1:9090, a gateway on :8080 with no routes, and the broker with MQTT on
     * :1883 and data under ./data.
     */
    static LintasConfig defaults() {
        return new LintasConfig(null, AdminConfig.defaults(BUILT_IN), GatewayConfig.defaults(BUILT_IN),
                BrokerConfig.defaults(BUILT_IN));
    }

    /** Reads and checks {@code file}; every problem found is in the exception. */
    static LintasConfig load(Path file) throws ConfigException {
        Problems problems = new Problems();
        ConfigNode root = YamlLoader.load(file, problems);
        LintasConfig config = read(file, root);
        problems.throwIfAny();
        return config;
    }

    /** Parses {@code text} as if it were {@code file}, for tests. */
    static LintasConfig parse(Path file, String text) throws ConfigException {
        Problems problems = new Problems();
        LintasConfig config = read(file, YamlLoader.parse(file.toString(), text, problems));
        problems.throwIfAny();
        return config;
    }

    private static LintasConfig read(Path file, ConfigNode root) {
        ConfigMap sections = root.map("a mapping with the sections admin, gateway and broker",
                "admin", "gateway", "broker");
        AdminConfig admin = sections.get("admin").map(AdminConfig::read).orElse(null);
        GatewayConfig gateway = sections.get("gateway").map(GatewayConfigReader::read).orElse(null);
        BrokerConfig broker = sections.get("broker").map(BrokerConfigReader::read).orElse(null);
        LintasConfig config = new LintasConfig(file, admin, gateway, broker);
        // An empty file, or one of comments only, has nothing to run either; a file that did not parse was
        // reported as such already.
        boolean empty = root.isNull() && root.problems().isEmpty();
        if ((root.isMap() || empty) && admin == null && gateway == null && broker == null) {
            root.problem("nothing to run: the file has none of the sections admin, gateway and broker");
        }
        config.checkListenersApart(root);
        return config;
    }

    private record Listen(String owner, HostPort address, Position position) {
    }

    /** Two listeners may not share an address: same port, and the same host or a wildcard on either side. */
    private void checkListenersApart(ConfigNode root) {
        List<Listen> all = new ArrayList<>();
        if (admin != null) {
            all.add(new Listen("the admin listener", admin.listen(), admin.position()));
        }
        if (gateway != null) {
            for (ListenerConfig listener : gateway.listeners()) {
                all.add(new Listen("gateway listener '" + listener.name() + "'", listener.listen(),
                        listener.position()));
            }
        }
        if (broker != null) {
            if (broker.mqtt() != null) {
                all.add(new Listen("the MQTT listener", broker.mqtt(), broker.mqttPosition()));
            }
            if (broker.mqttWebSocket() != null) {
                all.add(new Listen("the MQTT WebSocket listener", broker.mqttWebSocket(),
                        broker.mqttWebSocketPosition()));
            }
            if (broker.mqttTls() != null) {
                all.add(new Listen("the MQTT TLS listener", broker.mqttTls().listen(), broker.mqttTls().position()));
            }
            if (broker.mqttWebSocketTls() != null) {
                all.add(new Listen("the MQTT secure WebSocket listener", broker.mqttWebSocketTls().listen(),
                        broker.mqttWebSocketTls().position()));
            }
            if (broker.amqp() != null) {
                all.add(new Listen("the AMQP listener", broker.amqp(), broker.amqpPosition()));
            }
        }
        for (int i = 0; i < all.size(); i++) {
            for (int j = 0; j < i; j++) {
                Listen a = all.get(j);
                Listen b = all.get(i);
                if (clash(a.address, b.address)) {
                    root.problems().add(b.position, b.owner + " listens on " + b.address + ", which "
                            + a.owner + " already uses (line " + a.position.line() + ")");
                }
            }
        }
    }

    private static boolean clash(HostPort a, HostPort b) {
        return a.port() != 0 && a.port() == b.port()
                && (a.isWildcard() || b.isWildcard() || a.host().equalsIgnoreCase(b.host()));
    }

    /** The name to show for where this config came from. */
    String source() {
        return file == null ? BUILT_IN : file.toString();
    }
}
