package dev.lintas.runtime.net;

import java.net.InetSocketAddress;

/**
 * A host and port as written in config. The host is an IPv4 or IPv6 literal or a DNS name; an empty host means
 * every interface. Names are resolved when they are used, not when the config is read.
 */
public record HostPort(String host, int port) {

    /**
     * Parses {@code host:port}, {@code :port} or {@code [v6]:port}. Port 0 is accepted only where
     * {@code allowPortZero} is set, as it is for listeners, where it asks the system for a free port.
     *
     * @return the address, or null when the text is not one
     */
    public static HostPort parse(String text, boolean allowPortZero) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                return null;
            }
            host = host.substring(1, host.length() - 1);
            if (!isIpv6Literal(host)) {
                return null;
            }
        } else if (host.contains(":") || (!host.isEmpty() && !isHostName(host))) {
            return null;
        }
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int port = Integer.parseInt(portText);
        if (port > 65535 || (port == 0 && !allowPortZero)) {
            return null;
        }
        return new HostPort(host, port);
    }

    private static boolean isHostName(String host) {
        if (host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_') {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isIpv6Literal(String host) {
        return host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                && host.contains(":");
    }

    /** True for an empty host or a wildcard address, which bind every interface. */
    public boolean isWildcard() {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::");
    }

    /**
     * The socket address, with a name resolved now. This may block on DNS, so it is called when config is
     * applied, never on an event loop.
     */
    public InetSocketAddress resolve() {
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
