package dev.lintas.gateway.proxy;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * What the gateway says about a client in headers, logs and hashing, worked out once per connection rather than
 * once per request.
 *
 * @param ip            the address as text, as in X-Forwarded-For and the access log
 * @param forwardedNode the address as a Forwarded node: IPv6 bracketed and quoted (RFC 7239 section 6)
 * @param hash          a well-mixed hash of the address bytes, the key of ip-hash
 */
record ClientAddress(String ip, String forwardedNode, long hash) {

    static ClientAddress of(InetSocketAddress address) {
        if (address == null) {
            return new ClientAddress("-", "unknown", 0);
        }
        String ip = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        String node = address.getAddress() instanceof Inet6Address ? "\"[" + ip + "]\"" : ip;
        byte[] bytes = address.getAddress() != null
                ? address.getAddress().getAddress()
                : ip.getBytes(StandardCharsets.UTF_8);
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return new ClientAddress(ip, node, h ^ (h >>> 33));
    }
}
