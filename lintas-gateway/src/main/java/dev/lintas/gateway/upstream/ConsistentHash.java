package dev.lintas.gateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * ip-hash on a consistent-hash ring: each server owns {@value #POINTS_PER_WEIGHT} points per unit of weight, and
 * a client goes to the owner of the first point at or after the hash of its address. Adding or removing a server
 * moves only the clients whose points it takes or gives up. A client whose server is not a candidate walks on to
 * the next point, so it comes back to its own server as soon as that server is up again. Immutable.
 */
final class ConsistentHash implements Balancer {

    private static final int POINTS_PER_WEIGHT = 160;

    private final long[] points;
    private final int[] owners;

    ConsistentHash(List<Server> servers) {
        int total = 0;
        for (Server server : servers) {
            total += POINTS_PER_WEIGHT * server.weight();
        }
        long[] hashes = new long[total];
        int[] owner = new int[total];
        int n = 0;
        for (int i = 0; i < servers.size(); i++) {
            Server server = servers.get(i);
            for (int v = 0; v < POINTS_PER_WEIGHT * server.weight(); v++) {
                // Points are keyed by the configured address, so a server keeps its points across reloads.
                hashes[n] = hash((server.label() + "#" + v).getBytes(StandardCharsets.UTF_8));
                owner[n] = i;
                n++;
            }
        }
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(hashes[a], hashes[b]));
        points = new long[total];
        owners = new int[total];
        for (int i = 0; i < total; i++) {
            points[i] = hashes[order[i]];
            owners[i] = owner[order[i]];
        }
    }

    @Override
    public int pick(List<Server> servers, boolean[] candidates, long clientKey) {
        int start = firstAtOrAfter(clientKey);
        for (int n = 0; n < points.length; n++) {
            int owner = owners[(start + n) % points.length];
            if (candidates[owner]) {
                return owner;
            }
        }
        throw new IllegalStateException("no candidate on the ring");
    }

    private int firstAtOrAfter(long key) {
        int low = 0;
        int high = points.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Long.compareUnsigned(points[mid], key) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low == points.length ? 0 : low;
    }

    /** 64-bit FNV-1a followed by a murmur-style finaliser, so that nearby inputs land far apart on the ring. */
    static long hash(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
