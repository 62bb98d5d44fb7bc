package dev.lintas.gateway.proxy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The parts of a request body an exchange holds: those read before a connection was ready, and copies of those
 * already sent, kept while a retry may still need them. Copies are kept up to {@value #REPLAY_LIMIT} bytes; past
 * that, the request can no longer be sent again. This object owns every buffer it holds until it hands it on.
 * <p>
 * Event loop only.
 */
final class RequestBody {

    static final long REPLAY_LIMIT = 64 * 1024;

    private ArrayDeque<HttpContent> unsent;
    private List<HttpContent> copies;
    private long copiedBytes;
    private boolean replayable;

    /** @param replayable whether copies are kept at all: only for requests that may be sent twice */
    RequestBody(boolean replayable) {
        this.replayable = replayable;
    }

    /** Keeps a part until a connection is ready. */
    void hold(HttpContent part) {
        if (unsent == null) {
            unsent = new ArrayDeque<>(2);
        }
        unsent.add(part);
    }

    /** The next part held for a connection, or null. */
    HttpContent nextUnsent() {
        return unsent == null ? null : unsent.poll();
    }

    /** Keeps a copy of a part about to be sent, while replay is still possible. */
    void copy(HttpContent part) {
        if (!replayable) {
            return;
        }
        copiedBytes += part.content().readableBytes();
        if (copiedBytes > REPLAY_LIMIT) {
            stopReplay();
            return;
        }
        if (copies == null) {
            copies = new ArrayList<>(4);
        }
        copies.add(part.retainedDuplicate());
    }

    /** Hands {@code out} a fresh copy of everything sent so far, for a new attempt. */
    void replayInto(Consumer<HttpContent> out) {
        if (copies != null) {
            for (HttpContent part : copies) {
                out.accept(part.retainedDuplicate());
            }
        }
    }

    /** Whether everything sent so far could be sent again. */
    boolean replayable() {
        return replayable;
    }

    /** Drops the copies: the request will not be sent again. */
    void stopReplay() {
        replayable = false;
        if (copies != null) {
            copies.forEach(ReferenceCountUtil::release);
            copies = null;
        }
    }

    /** Releases everything held. */
    void release() {
        stopReplay();
        HttpContent part;
        while ((part = nextUnsent()) != null) {
            part.release();
        }
    }
}
