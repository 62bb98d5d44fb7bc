package dev.lintas.gateway.proxy;

import java.util.Locale;

/** What routing needs from a request line and Host header: the host, the path, and origin form. Stateless. */
final class RequestTarget {

    private RequestTarget() {
    }

    /**
     * Whether a Host value is a plausible uri-host[:port] (RFC 9110 section 7.2): no whitespace, no characters
     * outside those an authority may hold. Absent is valid here; HTTP/1.1 requires it, which is checked apart.
     */
    static boolean validHost(String host) {
        if (host == null) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~:[]%!$&'()*+,;=".indexOf(c) >= 0;
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAbsoluteForm(String target) {
        return target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8);
    }

    /**
     * The host the request is for, lower case and without a port: from an absolute-form target if there is one
     * (RFC 9112 section 3.2.2), else from Host; null when neither names one.
     */
    static String host(String target, String hostHeader) {
        String authority = isAbsoluteForm(target) ? authority(target) : hostHeader;
        if (authority == null || authority.isEmpty()) {
            return null;
        }
        int colon = authority.startsWith("[") ? authority.indexOf(']') + 1 : authority.lastIndexOf(':');
        String host = colon > 0 && colon < authority.length() && authority.charAt(colon) == ':'
                ? authority.substring(0, colon) : authority;
        return host.toLowerCase(Locale.ROOT);
    }

    /** The authority of an absolute-form target: {@code http://a.example:8080/x} gives {@code a.example:8080}. */
    static String authority(String target) {
        int start = target.indexOf("//") + 2;
        int end = target.indexOf('/', start);
        return target.substring(start, end < 0 ? target.length() : end);
    }

    /** The target in origin form, as an upstream expects it: an absolute-form target loses its scheme and host. */
    static String originForm(String target) {
        if (!isAbsoluteForm(target)) {
            return target;
        }
        int slash = target.indexOf('/', target.indexOf("//") + 2);
        return slash < 0 ? "/" : target.substring(slash);
    }

    /** The path of an origin-form target, without its query. */
    static String path(String originForm) {
        int query = originForm.indexOf('?');
        return query < 0 ? originForm : originForm.substring(0, query);
    }
}
