package dev.lintas.gateway.proxy;

import java.util.Locale;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * What routing needs from a request line and Host header: the host, the path, and origin form; and the checks a
 * request head must pass before it is routed. Stateless.
 */
final class RequestTarget {

    /** Why a request is refused before routing: the status, and the short text the client gets. */
    record Refusal(HttpResponseStatus status, String text) {
    }

    private RequestTarget() {
    }

    /**
     * The refusal a request head earns before routing, or null when it may go on: an HTTP version other than 1.x,
     * a Host that is not a valid host[:port], other than exactly one Host in HTTP/1.1 (at most one in 1.0), or a
     * Content-Length over {@code maxBodySize}.
     */
    static Refusal check(HttpRequest request, long maxBodySize) {
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1) {
            return new Refusal(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                    "only HTTP/1.0 and HTTP/1.1 are served here\n");
        }
        if (!validHost(request.headers().get(HttpHeaderNames.HOST))) {
            return new Refusal(HttpResponseStatus.BAD_REQUEST, "the Host header is not a valid host[:port]\n");
        }
        int hosts = request.headers().getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1 || (hosts == 0 && version.equals(HttpVersion.HTTP_1_1))) {
            return new Refusal(HttpResponseStatus.BAD_REQUEST, "HTTP/1.1 requests need exactly one Host header\n");
        }
        if (HttpUtil.getContentLength(request, -1L) > maxBodySize) {
            return new Refusal(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body is larger than " + maxBodySize + " bytes\n");
        }
        return null;
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
