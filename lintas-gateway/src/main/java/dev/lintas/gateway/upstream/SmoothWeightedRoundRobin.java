package dev.lintas.gateway.upstream;

import java.util.List;

/**
 * Smooth weighted round-robin, as nginx does it: each pick adds every candidate's weight to its running score,
 * takes the highest score and subtracts the total weight from it. Weights 5, 1, 1 give a a b a c a a rather than
 * a a a a a b c. One lock guards the scores; the critical section is a pass over the servers.
 */
final class SmoothWeightedRoundRobin implements Balancer {

    private final int[] current;

    SmoothWeightedRoundRobin(int size) {
        this.current = new int[size];
    }

    @Override
    public synchronized int pick(List<Server> servers, boolean[] candidates, long clientKey) {
        int best = -1;
        int total = 0;
        for (int i = 0; i < current.length; i++) {
            if (!candidates[i]) {
                continue;
            }
            int weight = servers.get(i).weight();
            current[i] += weight;
            total += weight;
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        current[best] -= total;
        return best;
    }
}
