package dev.lintas.gateway.proxy;

import java.util.ArrayDeque;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * HTTP/1.1 for downstream clients: Netty's strict request decoder, plus a check for the one thing it accepts that
 * we refuse (obs-fold, RFC 9112 section 5.2), and a response encoder that knows which responses answer HEAD.
 * <p>
 * Event loop only: the decoder and encoder share the queue of request methods without locks.
 */
final class DownstreamCodec extends CombinedChannelDuplexHandler<DownstreamCodec.RequestDecoder,
        DownstreamCodec.ResponseEncoder> {

    /** The decoder's failure for a header line folded onto the previous one. */
    static final class ObsFoldException extends IllegalArgumentException {
        ObsFoldException() {
            super("obs-fold (a header line starting with whitespace) is not allowed");
        }
    }

    /** Whether part of a next request has arrived and waits to be decoded whole. */
    boolean holdsPartialRequest() {
        return inboundHandler().holdsBytes();
    }

    DownstreamCodec(int maxHeaderSize) {
        ArrayDeque<HttpMethod> methods = new ArrayDeque<>();
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(maxHeaderSize)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false);
        init(new RequestDecoder(config, methods), new ResponseEncoder(methods));
    }

    static final class RequestDecoder extends HttpRequestDecoder {

        private final ArrayDeque<HttpMethod> methods;
        /** True from the start of a message until its head has been decoded. */
        private boolean inHead = true;
        /** Bytes of this message's head that the superclass has consumed. */
        private long headConsumed;
        /** Set once a fold was found: everything after it is dropped, as after any decode failure. */
        private boolean failed;

        RequestDecoder(HttpDecoderConfig config, ArrayDeque<HttpMethod> methods) {
            super(config);
            this.methods = methods;
        }

        /** Whether bytes of a request not yet decoded whole wait here. */
        boolean holdsBytes() {
            return actualReadableBytes() > 0;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (failed) {
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            if (inHead && hasObsFold(buffer)) {
                failed = true;
                buffer.skipBytes(buffer.readableBytes());
                HttpMessage invalid = createInvalidMessage();
                invalid.setDecoderResult(DecoderResult.failure(new ObsFoldException()));
                methods.add(HttpMethod.GET);
                out.add(invalid); // no end follows, as for the superclass's invalid messages
                return;
            }
            int before = out.size();
            int readerIndex = buffer.readerIndex();
            super.decode(ctx, buffer, out);
            if (inHead) {
                headConsumed += buffer.readerIndex() - readerIndex;
            }
            for (int i = before; i < out.size(); i++) {
                Object message = out.get(i);
                if (message instanceof HttpRequest request) {
                    methods.add(request.method());
                    inHead = false;
                }
                if (message instanceof LastHttpContent) {
                    inHead = true;
                    headConsumed = 0;
                }
            }
        }

        /**
         * Looks at the complete lines of the head that the superclass has not consumed yet. A line that starts
         * with a space or tab after the request line is an obs-fold. The superclass consumes each complete header
         * line as it goes, so each line is looked at about once.
         */
        private boolean hasObsFold(ByteBuf buffer) {
            int index = buffer.readerIndex();
            int end = buffer.writerIndex();
            // Once the superclass has consumed anything of this head, the request line is behind us (the empty
            // lines it may skip before a request line never start with whitespace).
            boolean afterRequestLine = headConsumed > 0;
            while (index < end) {
                int lf = buffer.indexOf(index, end, (byte) '\n');
                if (lf < 0) {
                    return false;
                }
                int length = lf - index;
                if (length == 0 || (length == 1 && buffer.getByte(index) == '\r')) {
                    if (afterRequestLine) {
                        return false; // the empty line that ends the head
                    }
                } else {
                    byte first = buffer.getByte(index);
                    if (afterRequestLine && (first == ' ' || first == '\t')) {
                        return true;
                    }
                    afterRequestLine = true;
                }
                index = lf + 1;
            }
            return false;
        }
    }

    static final class ResponseEncoder extends HttpResponseEncoder {

        private final ArrayDeque<HttpMethod> methods;

        ResponseEncoder(ArrayDeque<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse response) {
            HttpResponseStatus status = response.status();
            if (status.codeClass() == HttpStatusClass.INFORMATIONAL
                    && status.code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                return super.isContentAlwaysEmpty(response); // an interim response; the final one follows
            }
            HttpMethod method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(response);
        }
    }
}
