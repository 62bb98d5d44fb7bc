package dev.lintas.runtime.admin;

import dev.lintas.runtime.config.ConfigMap;
import dev.lintas.runtime.config.ConfigNode;
import dev.lintas.runtime.config.Position;
import dev.lintas.runtime.net.HostPort;

/**
 * The {@code admin} section: where the admin listener binds.
 *
 * @param listen   the address
 * @param position where the address was written, for duplicate-listener messages
 */
public record AdminConfig(HostPort listen, Position position) {

    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 9090);

    public static AdminConfig defaults(String file) {
        return new AdminConfig(DEFAULT_LISTEN, new Position(file, 1, 1));
    }

    public static AdminConfig read(ConfigNode node) {
        ConfigMap map = node.map("the admin section (a mapping)", "listen");
        HostPort listen = map.listenAddress("listen").orElse(DEFAULT_LISTEN);
        return new AdminConfig(listen, map.get("listen").map(ConfigNode::position).orElse(map.position()));
    }
}
