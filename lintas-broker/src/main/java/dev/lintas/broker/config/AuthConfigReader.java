package dev.lintas.broker.config;

import dev.lintas.broker.auth.AuthConfig;
import dev.lintas.broker.auth.PasswordHash;
import dev.lintas.runtime.config.ConfigMap;
import dev.lintas.runtime.config.ConfigNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code broker.users} and {@code broker.allow-anonymous}. A password must be a hash in the form
 * {@code lintas passwd} prints; anything else is a problem at its position, and is never echoed, since it may be a
 * password written in clear by mistake.
 */
final class AuthConfigReader {

    private AuthConfigReader() {
    }

    static AuthConfig read(ConfigMap broker) {
        List<AuthConfig.User> users = new ArrayList<>();
        Map<String, ConfigNode> seen = new HashMap<>();
        for (ConfigNode item : broker.list("users", "a list of users, each with name and password")) {
            ConfigMap user = item.map("a user (a mapping with name and password)", "name", "password");
            if (!user.node().isMap()) {
                continue;
            }
            String name = user.requiredString("name", "the user's name").orElse(null);
            PasswordHash password = user.requiredString("password", "the hash of the user's password, from "
                    + "'lintas passwd'").map(text -> hash(user, text)).orElse(null);
            if (name != null && name.isEmpty()) {
                user.get("name").orElseThrow().problem("name: empty (expected the user's name)");
                continue;
            }
            if (name != null && seen.containsKey(name)) {
                user.get("name").orElseThrow().problem("duplicate user '" + name + "' (first written at line "
                        + seen.get(name).position().line() + ")");
                continue;
            }
            if (name != null) {
                seen.put(name, user.get("name").orElseThrow());
            }
            if (name != null && password != null) {
                users.add(new AuthConfig.User(name, password));
            }
        }
        return new AuthConfig(users, broker.bool("allow-anonymous", AuthConfig.DEFAULTS.allowAnonymous()));
    }

    private static PasswordHash hash(ConfigMap user, String text) {
        PasswordHash hash = PasswordHash.parse(text.trim());
        if (hash == null) {
            user.get("password").orElseThrow().problem("password: not a password hash (expected $"
                    + PasswordHash.SCHEME + "$i=ITERATIONS$SALT$HASH with " + PasswordHash.MIN_ITERATIONS + " to "
                    + PasswordHash.MAX_ITERATIONS + " iterations, as 'lintas passwd' prints it; never the password "
                    + "itself)");
        }
        return hash;
    }
}
