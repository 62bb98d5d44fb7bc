package dev.lintas.gateway;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, written by its own thread so that an event loop never waits on the disk or a pipe:
 * <pre>
 * 2026-11-22T05:31:02.123Z 127.0.0.1 GET /api/orders 200 512 10.0.0.1:3000 0.002 0.003
 * </pre>
 * time, client address, method, path, status, response body bytes, upstream server, upstream time and total time
 * in seconds ({@code -} where there was no upstream). When the writer falls behind by {@value #QUEUE} lines,
 * further lines are dropped and counted rather than slowing requests down.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
    private static final int QUEUE = 65_536;
    private static final String STOP = "";
    /** ISO 8601 in UTC with milliseconds always written, so that every line's time has the same width. */
    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /** An access log that writes nothing. */
    public static final AccessLog OFF = new AccessLog();

    private final ArrayBlockingQueue<String> lines;
    private final OutputStream out;
    private final boolean closeOut;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();

    private AccessLog() {
        lines = null;
        out = null;
        closeOut = false;
        writer = null;
    }

    private AccessLog(OutputStream out, boolean closeOut, String name) {
        this.lines = new ArrayBlockingQueue<>(QUEUE);
        this.out = out;
        this.closeOut = closeOut;
        this.writer = Thread.ofPlatform().daemon().name("lintas-access-log").start(this::drain);
        log.info("access log: {}", name);
    }

    /**
     * Opens the access log named in config: {@code stdout}, {@code off}, or a file path to append to.
     *
     * @throws IOException when the file cannot be opened
     */
    public static AccessLog open(String target) throws IOException {
        return switch (target) {
            case "off" -> OFF;
            case "stdout" -> new AccessLog(new FileOutputStream(FileDescriptor.out), false, "stdout");
            default -> {
                Path path = Path.of(target);
                yield new AccessLog(Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE), true, path.toAbsolutePath().toString());
            }
        };
    }

    public boolean isOn() {
        return lines != null;
    }

    /**
     * @param upstreamNanos time spent with the upstream, or -1 when there was none
     */
    public void log(long epochMillis, String client, String method, String path, int status, long bytes,
            String server, long upstreamNanos, long totalNanos) {
        if (lines == null) {
            return;
        }
        StringBuilder line = new StringBuilder(128 + path.length());
        TIME.formatTo(Instant.ofEpochMilli(epochMillis), line);
        line.append(' ')
                .append(client).append(' ')
                .append(method).append(' ');
        appendEscaped(line, path);
        line.append(' ').append(status).append(' ').append(bytes).append(' ')
                .append(server == null ? "-" : server).append(' ');
        appendSeconds(line, upstreamNanos);
        line.append(' ');
        appendSeconds(line, totalNanos);
        line.append('\n');
        if (!lines.offer(line.toString())) {
            dropped.incrementAndGet();
        }
    }

    private static void appendSeconds(StringBuilder line, long nanos) {
        if (nanos < 0) {
            line.append('-');
            return;
        }
        long millis = nanos / 1_000_000;
        line.append(millis / 1000).append('.');
        long fraction = millis % 1000;
        if (fraction < 100) {
            line.append('0');
        }
        if (fraction < 10) {
            line.append('0');
        }
        line.append(fraction);
    }

    /** Control characters, spaces and quotes in a path are written as %XX, so that one request is one line. */
    private static void appendEscaped(StringBuilder line, String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c == '"' || c == 0x7f) {
                line.append('%').append(Character.forDigit(c >> 4 & 0xf, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                line.append(c);
            }
        }
    }

    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        List<String> batch = new ArrayList<>(1024);
        StringBuilder text = new StringBuilder(64 * 1024);
        boolean running = true;
        while (running) {
            try {
                String first = lines.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                lines.drainTo(batch, 1023);
                for (String line : batch) {
                    if (line == STOP) {
                        running = false;
                    } else {
                        text.append(line);
                    }
                }
                batch.clear();
                if (!text.isEmpty()) {
                    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    text.setLength(0);
                }
            } catch (InterruptedException e) {
                running = false;
            } catch (IOException e) {
                log.warn("access log write failed: {}", e.toString());
            }
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        if (lines == null) {
            return;
        }
        try {
            lines.put(STOP);
            writer.join(TimeUnit.SECONDS.toMillis(5));
            if (closeOut) {
                out.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("closing the access log failed: {}", e.toString());
        }
        if (dropped.get() > 0) {
            log.warn("access log dropped {} line(s) because its writer fell behind", dropped.get());
        }
    }
}
