package dev.lintas.gateway.upstream;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The power of two choices: two distinct candidates drawn at random, weighted by their weights, and the one with
 * fewer requests in flight per unit of weight wins. Nearly as even as least-conn, with no shared state at all.
 */
final class RandomTwoChoices implements Balancer {

    @Override
    public int pick(List<Server> servers, boolean[] candidates, long clientKey) {
        int totalWeight = 0;
        int count = 0;
        for (int i = 0; i < candidates.length; i++) {
            if (candidates[i]) {
                totalWeight += servers.get(i).weight();
                count++;
            }
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int first = draw(servers, candidates, random.nextInt(totalWeight), -1);
        if (count == 1) {
            return first;
        }
        int second = draw(servers, candidates,
                random.nextInt(totalWeight - servers.get(first).weight()), first);
        Server a = servers.get(first);
        Server b = servers.get(second);
        return (long) b.active() * a.weight() < (long) a.active() * b.weight() ? second : first;
    }

    /** The candidate at {@code ticket} along the weights, skipping {@code skip}. */
    private static int draw(List<Server> servers, boolean[] candidates, int ticket, int skip) {
        int last = -1;
        for (int i = 0; i < candidates.length; i++) {
            if (!candidates[i] || i == skip) {
                continue;
            }
            last = i;
            ticket -= servers.get(i).weight();
            if (ticket < 0) {
                return i;
            }
        }
        return last;
    }
}
