package dev.lintas.gateway.config;

/** How an upstream picks a server for each request. */
public enum Balance {
    /** Smooth weighted round-robin, the way nginx spreads weighted servers evenly over time. */
    ROUND_ROBIN("round-robin"),
    /** The server with the fewest requests in flight, relative to its weight. */
    LEAST_CONN("least-conn"),
    /** Consistent hashing of the client address, so that a client keeps its server. */
    IP_HASH("ip-hash"),
    /** Two servers drawn at random; the one with fewer requests in flight wins. */
    RANDOM_TWO("random-two");

    private final String configName;

    Balance(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The balance named in config, or null. */
    public static Balance byName(String name) {
        for (Balance balance : values()) {
            if (balance.configName.equals(name)) {
                return balance;
            }
        }
        return null;
    }

    public static String names() {
        StringBuilder names = new StringBuilder();
        for (Balance balance : values()) {
            names.append(names.isEmpty() ? "" : ", ").append(balance.configName);
        }
        return names.toString();
    }
}
