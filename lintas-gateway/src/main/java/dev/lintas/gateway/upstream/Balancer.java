package dev.lintas.gateway.upstream;

import java.util.List;

import dev.lintas.gateway.config.Balance;

/**
 * Picks one server among the candidates for a request. Implementations are called from every event loop at once.
 */
public interface Balancer {

    /**
     * @param servers    every server of the tier being chosen from, in config order; the same list on every call
     * @param candidates which of {@code servers} may be picked now; at least one is true
     * @param clientKey  a hash of the client address, for ip-hash
     * @return the index in {@code servers} of the pick
     */
    int pick(List<Server> servers, boolean[] candidates, long clientKey);

    static Balancer create(Balance balance, List<Server> servers) {
        return switch (balance) {
            case ROUND_ROBIN -> new SmoothWeightedRoundRobin(servers.size());
            case LEAST_CONN -> new LeastConnections();
            case IP_HASH -> new ConsistentHash(servers);
            case RANDOM_TWO -> new RandomTwoChoices();
        };
    }
}
