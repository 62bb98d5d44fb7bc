package dev.lintas.broker.auth;

import java.util.List;

/**
 * Who may use the broker: {@code broker.users} and {@code broker.allow-anonymous}.
 *
 * @param users the users, each name once
 * @param allowAnonymous whether clients without a user name are let in from any address
 */
public record AuthConfig(List<User> users, boolean allowAnonymous) {

    /** No users, no anonymous clients but from loopback: the built-in default. */
    public static final AuthConfig DEFAULTS = new AuthConfig(List.of(), false);

    /** One user: a name and the hash of its password. */
    public record User(String name, PasswordHash password) {
    }

    public AuthConfig {
        users = List.copyOf(users);
    }
}
