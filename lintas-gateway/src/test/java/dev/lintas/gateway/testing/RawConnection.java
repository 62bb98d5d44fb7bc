package dev.lintas.gateway.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A plain socket to a server, for black-box protocol tests: writes exact bytes and reads HTTP/1.1 responses with
 * no leniency beyond what a test needs. Every read has a timeout, a safety net so that a server that neither
 * answers nor closes fails the test instead of hanging it.
 */
public final class RawConnection implements AutoCloseable {

    /** How long a read may block before the test fails. Only a safety net: nothing waits this long on success. */
    public static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawConnection open(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            socket.connect(address, READ_TIMEOUT_MILLIS);
            return new RawConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Writes the text as ISO-8859-1, one byte per char, so that any byte value can be written. */
    public RawConnection send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /**
     * Reads one response: the status line, the header section and the body, framed by chunked coding, by
     * Content-Length, or else by the end of the connection.
     *
     * @throws EOFException if the connection ends before a complete status line
     */
    public Response readResponse() throws IOException {
        try {
            return readResponseOrTimeOut();
        } catch (SocketTimeoutException e) {
            SocketTimeoutException timeout = new SocketTimeoutException("no complete response within "
                    + READ_TIMEOUT_MILLIS + " ms, and the connection is still open");
            timeout.initCause(e);
            throw timeout;
        }
    }

    private Response readResponseOrTimeOut() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new EOFException("the connection ended before a status line");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not a status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while (!(line = requireLine()).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("not a header line: '" + line + "'");
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        byte[] body;
        List<String> transferEncoding = headers.getOrDefault("transfer-encoding", List.of());
        List<String> contentLength = headers.getOrDefault("content-length", List.of());
        if ((status >= 100 && status < 200) || status == 204 || status == 304) {
            body = new byte[0];
        } else if (!transferEncoding.isEmpty() && transferEncoding.getLast().toLowerCase(Locale.ROOT)
                .endsWith("chunked")) {
            body = readChunked();
        } else if (!contentLength.isEmpty()) {
            body = in.readNBytes(Integer.parseInt(contentLength.getFirst()));
            if (body.length < Integer.parseInt(contentLength.getFirst())) {
                throw new EOFException("the connection ended inside a body of " + contentLength.getFirst()
                        + " bytes, after " + body.length);
            }
        } else {
            body = in.readAllBytes();
        }
        return new Response(statusLine, status, headers, body);
    }

    /** Reads exactly {@code n} bytes; throws {@link EOFException} if the stream ends first. */
    public byte[] readBytes(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("the connection ended after " + bytes.length + " of " + n + " bytes: "
                    + new String(bytes, StandardCharsets.ISO_8859_1));
        }
        return bytes;
    }

    /** Reads a status line and header section only, as the answer to HEAD has no body; returns them as text. */
    public String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        String line = readLine();
        if (line == null) {
            throw new EOFException("the connection ended before a status line");
        }
        head.append(line).append('\n');
        while (!(line = requireLine()).isEmpty()) {
            head.append(line).append('\n');
        }
        return head.toString();
    }

    /**
     * Whether the server has closed the connection: reads until the end of the stream, which must come next.
     *
     * @return true if the stream ends here, false if the server sent more bytes
     * @throws java.net.SocketTimeoutException if the server keeps the connection open
     */
    public boolean readsEndOfStream() throws IOException {
        return in.read() == -1;
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = requireLine();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!requireLine().isEmpty()) {
                    // trailer fields, not needed by any test
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("the connection ended inside a chunk");
            }
            body.writeBytes(chunk);
            if (!requireLine().isEmpty()) {
                throw new IOException("a chunk is not followed by CRLF");
            }
        }
    }

    private String requireLine() throws IOException {
        String line = readLine();
        if (line == null) {
            throw new EOFException("the connection ended inside a response head");
        }
        return line;
    }

    /** A line without its CRLF, or null at the end of the stream before any byte of a line. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        if (line.size() > 0) {
            throw new EOFException("the connection ended inside a line: '"
                    + line.toString(StandardCharsets.ISO_8859_1) + "'");
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A response as read from the wire; header names are lower case. */
    public record Response(String statusLine, int status, Map<String, List<String>> headers, byte[] body) {

        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return statusLine + " " + headers + " " + bodyText();
        }
    }
}
