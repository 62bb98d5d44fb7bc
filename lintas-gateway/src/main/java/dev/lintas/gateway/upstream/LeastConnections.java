package dev.lintas.gateway.upstream;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The candidate with the fewest requests in flight per unit of weight. Ties are broken by a rotating start, so
 * that an idle pool is still spread over every server.
 */
final class LeastConnections implements Balancer {

    private final AtomicInteger rotation = new AtomicInteger();

    @Override
    public int pick(List<Server> servers, boolean[] candidates, long clientKey) {
        int size = servers.size();
        int start = Math.floorMod(rotation.getAndIncrement(), size);
        int best = -1;
        long bestActive = 0;
        int bestWeight = 1;
        for (int n = 0; n < size; n++) {
            int i = (start + n) % size;
            if (!candidates[i]) {
                continue;
            }
            Server server = servers.get(i);
            long active = server.active();
            // active / weight < bestActive / bestWeight, without division
            if (best < 0 || active * bestWeight < bestActive * server.weight()) {
                best = i;
                bestActive = active;
                bestWeight = server.weight();
            }
        }
        return best;
    }
}
