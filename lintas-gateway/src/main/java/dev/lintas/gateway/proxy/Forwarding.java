package dev.lintas.gateway.proxy;

import java.util.ArrayList;
import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * The header rewriting a proxy owes both sides: hop-by-hop headers (RFC 9110 section 7.6.1) are removed, and the
 * request gains X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host, Forwarded (RFC 7239) and Via. Host passes
 * through unchanged. Stateless.
 */
final class Forwarding {

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final String VIA = "1.1 lintas";

    private Forwarding() {
    }

    /**
     * Whether the request asks to switch protocols (a WebSocket handshake, for one). An upgrade to h2c does not
     * count: upstream connections speak HTTP/1.1, so the offer is dropped with the other hop-by-hop headers and
     * the request goes on as plain HTTP/1.1, as RFC 9110 section 7.8 lets a server do.
     */
    static boolean isUpgrade(HttpRequest request) {
        HttpHeaders headers = request.headers();
        String upgrade = headers.get(HttpHeaderNames.UPGRADE);
        return upgrade != null
                && !upgrade.regionMatches(true, 0, "h2c", 0, 3)
                && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /**
     * Rewrites {@code request} in place for the upstream.
     *
     * @param upgrade keep Upgrade and say {@code Connection: upgrade}
     */
    static void toUpstream(HttpRequest request, ClientAddress client, String scheme, boolean upgrade) {
        HttpHeaders headers = request.headers();
        String upgradeTo = upgrade ? headers.get(HttpHeaderNames.UPGRADE) : null;
        removeHopByHop(headers);
        if (upgradeTo != null) {
            headers.set(HttpHeaderNames.UPGRADE, upgradeTo);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            // Upstream connections are HTTP/1.1 and kept alive, whatever the client spoke.
            request.setProtocolVersion(HttpVersion.HTTP_1_1);
        }

        String clientIp = client.ip();
        String forwardedFor = joined(headers, X_FORWARDED_FOR);
        headers.set(X_FORWARDED_FOR, forwardedFor == null ? clientIp : forwardedFor + ", " + clientIp);
        headers.set(X_FORWARDED_PROTO, scheme);
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        }
        StringBuilder element = new StringBuilder("for=").append(client.forwardedNode());
        if (host != null) {
            element.append(";host=").append(quoteIfNeeded(host));
        }
        element.append(";proto=").append(scheme);
        String forwarded = joined(headers, FORWARDED);
        headers.set(FORWARDED, forwarded == null ? element : forwarded + ", " + element);
        String via = joined(headers, HttpHeaderNames.VIA);
        headers.set(HttpHeaderNames.VIA, via == null ? VIA : via + ", " + VIA);
    }

    /** Every line of a list-valued header as one comma-separated value, or null when there is none. */
    private static String joined(HttpHeaders headers, CharSequence name) {
        List<String> values = headers.getAll(name);
        return switch (values.size()) {
            case 0 -> null;
            case 1 -> values.get(0);
            default -> String.join(", ", values);
        };
    }

    /**
     * Rewrites an upstream {@code response} in place for a downstream client that spoke {@code version}. A body
     * whose end the upstream marks by closing the connection is sent chunked to an HTTP/1.1 client so that its
     * connection can stay open.
     *
     * @return whether the downstream connection can stay open after this response
     */
    static boolean toDownstream(HttpResponse response, HttpVersion version, boolean keepAlive, boolean upgrade,
            boolean bodyless) {
        HttpHeaders headers = response.headers();
        String upgradeTo = upgrade ? headers.get(HttpHeaderNames.UPGRADE) : null;
        removeHopByHop(headers);
        if (upgradeTo != null) {
            headers.set(HttpHeaderNames.UPGRADE, upgradeTo);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            return false;
        }
        boolean http10 = version.equals(HttpVersion.HTTP_1_0);
        boolean chunked = !bodyless && HttpUtil.isTransferEncodingChunked(response);
        boolean framed = bodyless || headers.contains(HttpHeaderNames.CONTENT_LENGTH) || chunked;
        if (http10 && chunked) {
            // HTTP/1.0 has no chunked coding (RFC 9112 section 6.1): the body goes raw, ended by the close.
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
            keepAlive = false;
        } else if (!framed) {
            if (http10) {
                keepAlive = false;
            } else {
                // Ended by the close upstream; chunked here, after any coding already applied (gzip, say).
                String codings = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, codings == null || codings.isBlank()
                        ? HttpHeaderValues.CHUNKED : codings + ", " + HttpHeaderValues.CHUNKED);
            }
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return keepAlive;
    }

    /**
     * Removes the headers that belong to one connection only: those Connection names, and Connection, Keep-Alive,
     * TE, Trailer, Upgrade and Proxy-*. Transfer-Encoding stays, because the message keeps its chunked framing on
     * the next hop.
     */
    static void removeHopByHop(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
            List<String> named = new ArrayList<>();
            for (String value : connection) {
                for (String token : value.split(",")) {
                    String name = token.trim();
                    // Connection may not strip what frames the message or names its target.
                    if (!name.isEmpty() && !name.equalsIgnoreCase("close") && !name.equalsIgnoreCase("keep-alive")
                            && !name.equalsIgnoreCase(HttpHeaderNames.TRANSFER_ENCODING.toString())
                            && !name.equalsIgnoreCase(HttpHeaderNames.CONTENT_LENGTH.toString())
                            && !name.equalsIgnoreCase(HttpHeaderNames.HOST.toString())) {
                        named.add(name);
                    }
                }
            }
            for (String name : named) {
                headers.remove(name);
            }
            headers.remove(HttpHeaderNames.CONNECTION);
        }
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(HttpHeaderNames.TE);
        headers.remove(HttpHeaderNames.TRAILER);
        headers.remove(HttpHeaderNames.UPGRADE);
        headers.remove(PROXY_CONNECTION);
        if (hasProxyHeader(headers)) {
            List<String> proxyHeaders = new ArrayList<>();
            for (var entry : headers) {
                if (entry.getKey().regionMatches(true, 0, "proxy-", 0, 6)) {
                    proxyHeaders.add(entry.getKey());
                }
            }
            proxyHeaders.forEach(headers::remove);
        }
    }

    private static boolean hasProxyHeader(HttpHeaders headers) {
        for (var names = headers.iteratorCharSequence(); names.hasNext(); ) {
            CharSequence name = names.next().getKey();
            if (name.length() > 6 && AsciiString.regionMatches(name, true, 0, "proxy-", 0, 6)) {
                return true;
            }
        }
        return false;
    }


    private static String quoteIfNeeded(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == '~')) {
                return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
        }
        return value;
    }

    /** Whether this message says it has a body of its own framing, for requests. */
    static boolean hasBody(HttpMessage message) {
        return HttpUtil.isTransferEncodingChunked(message) || HttpUtil.getContentLength(message, 0L) > 0;
    }
}
