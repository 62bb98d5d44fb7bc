package dev.lintas.broker.store;

import dev.lintas.broker.core.Binding;
import dev.lintas.broker.core.ExchangeSpec;
import dev.lintas.broker.core.ExchangeType;
import dev.lintas.broker.core.HeldPublish;
import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.QueueSpec;
import dev.lintas.broker.core.SessionState;
import dev.lintas.broker.core.SubscriptionOptions;
import dev.lintas.broker.core.WillState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The payloads of records: how the core's objects become bytes and back. Messages are written whole and generically:
 * every header and property is a tagged value, so properties that adapters add later (MQTT 5's, AMQP's) are kept
 * without a change here. The supported value types are null, booleans, the integer and floating-point types, char,
 * String, byte[], BigDecimal, Date, Instant, and lists and string-keyed maps of these. A value of any other type is
 * stored as its {@code toString()}, with a warning logged once.
 */
final class Payloads {

    private static final Logger log = LoggerFactory.getLogger(Payloads.class);
    private static final AtomicBoolean warnedUnsupported = new AtomicBoolean();

    private static final int NULL = 0;
    private static final int TRUE = 1;
    private static final int FALSE = 2;
    private static final int BYTE = 3;
    private static final int SHORT = 4;
    private static final int INT = 5;
    private static final int LONG = 6;
    private static final int FLOAT = 7;
    private static final int DOUBLE = 8;
    private static final int CHAR = 9;
    private static final int STRING = 10;
    private static final int BYTES = 11;
    private static final int DECIMAL = 12;
    private static final int DATE = 13;
    private static final int INSTANT = 14;
    private static final int LIST = 15;
    private static final int MAP = 16;

    private Payloads() {
    }

    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * Writes fields into a byte array, big-endian: an int or a long in 4 or 8 bytes, a boolean in one, a char in two,
     * and a byte array or a string (UTF-8) as its length (an int) and its bytes.
     */
    static final class Writer {
        private byte[] bytes;
        private int size;

        Writer() {
            this(64);
        }

        /** A writer whose first array has room for {@code expected} bytes. */
        Writer(int expected) {
            bytes = new byte[Math.max(16, expected)];
        }

        Writer string(String value) {
            return bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        Writer bytes(byte[] value) {
            intValue(value.length);
            room(value.length);
            System.arraycopy(value, 0, bytes, size, value.length);
            size += value.length;
            return this;
        }

        Writer longValue(long value) {
            room(8);
            LONGS.set(bytes, size, value);
            size += 8;
            return this;
        }

        Writer intValue(int value) {
            room(4);
            INTS.set(bytes, size, value);
            size += 4;
            return this;
        }

        Writer bool(boolean value) {
            return tag(value ? 1 : 0);
        }

        Writer value(Object value) {
            writeValue(value);
            return this;
        }

        private Writer tag(int value) {
            room(1);
            bytes[size++] = (byte) value;
            return this;
        }

        private void room(int more) {
            if (bytes.length - size < more) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        private void writeValue(Object value) {
            switch (value) {
                case null -> tag(NULL);
                case Boolean b -> tag(b ? TRUE : FALSE);
                case Byte b -> tag(BYTE).tag(b);
                case Short s -> {
                    tag(SHORT).room(2);
                    SHORTS.set(bytes, size, (short) s);
                    size += 2;
                }
                case Integer i -> tag(INT).intValue(i);
                case Long l -> tag(LONG).longValue(l);
                case Float f -> tag(FLOAT).intValue(Float.floatToIntBits(f));
                case Double d -> tag(DOUBLE).longValue(Double.doubleToLongBits(d));
                case Character c -> {
                    tag(CHAR).room(2);
                    SHORTS.set(bytes, size, (short) c.charValue());
                    size += 2;
                }
                case String s -> tag(STRING).string(s);
                case byte[] b -> tag(BYTES).bytes(b);
                case BigDecimal d -> tag(DECIMAL).intValue(d.scale()).bytes(d.unscaledValue().toByteArray());
                case Date d -> tag(DATE).longValue(d.getTime());
                case Instant i -> tag(INSTANT).longValue(i.getEpochSecond()).intValue(i.getNano());
                case List<?> list -> {
                    tag(LIST).intValue(list.size());
                    for (Object item : list) {
                        writeValue(item);
                    }
                }
                case Map<?, ?> map -> {
                    tag(MAP).intValue(map.size());
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        string(String.valueOf(entry.getKey()));
                        writeValue(entry.getValue());
                    }
                }
                default -> {
                    if (warnedUnsupported.compareAndSet(false, true)) {
                        log.warn("store: a message value of type {} is stored as its text (the store keeps null, "
                                + "booleans, numbers, char, String, byte[], BigDecimal, Date, Instant, lists and "
                                + "maps)", value.getClass().getName());
                    }
                    tag(STRING).string(value.toString());
                }
            }
        }

        Writer map(Map<String, ?> map) {
            return value(map);
        }

        byte[] toBytes() {
            return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        }
    }

    /** Reads fields back, in the order they were written; running past the end is an {@link IOException}. */
    static final class Reader {
        private final byte[] data;
        private int position;

        Reader(byte[] payload) {
            this.data = payload;
        }

        String string() throws IOException {
            int length = length();
            String value = new String(data, position, length, StandardCharsets.UTF_8);
            position += length;
            return value;
        }

        byte[] bytes() throws IOException {
            int length = length();
            byte[] value = Arrays.copyOfRange(data, position, position + length);
            position += length;
            return value;
        }

        long longValue() throws IOException {
            need(8);
            long value = (long) LONGS.get(data, position);
            position += 8;
            return value;
        }

        int intValue() throws IOException {
            need(4);
            int value = (int) INTS.get(data, position);
            position += 4;
            return value;
        }

        /** Whether anything is left to read: a field that later versions added may be absent. */
        boolean more() {
            return position < data.length;
        }

        boolean bool() throws IOException {
            return unsignedByte() != 0;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map() throws IOException {
            Object value = value();
            if (!(value instanceof Map<?, ?>)) {
                throw new IOException("expected a map, found " + value);
            }
            return (Map<String, Object>) value;
        }

        Object value() throws IOException {
            int tag = unsignedByte();
            return switch (tag) {
                case NULL -> null;
                case TRUE -> Boolean.TRUE;
                case FALSE -> Boolean.FALSE;
                case BYTE -> (byte) unsignedByte();
                case SHORT -> shortValue();
                case INT -> intValue();
                case LONG -> longValue();
                case FLOAT -> Float.intBitsToFloat(intValue());
                case DOUBLE -> Double.longBitsToDouble(longValue());
                case CHAR -> (char) shortValue();
                case STRING -> string();
                case BYTES -> bytes();
                case DECIMAL -> {
                    int scale = intValue();
                    yield new BigDecimal(new BigInteger(bytes()), scale);
                }
                case DATE -> new Date(longValue());
                case INSTANT -> Instant.ofEpochSecond(longValue(), intValue());
                case LIST -> {
                    int size = count();
                    List<Object> list = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        list.add(value());
                    }
                    yield list;
                }
                case MAP -> {
                    int size = count();
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (int i = 0; i < size; i++) {
                        map.put(string(), value());
                    }
                    yield map;
                }
                default -> throw new IOException("unknown value tag " + tag);
            };
        }

        private int unsignedByte() throws IOException {
            need(1);
            return data[position++] & 0xFF;
        }

        private short shortValue() throws IOException {
            need(2);
            short value = (short) SHORTS.get(data, position);
            position += 2;
            return value;
        }

        /** A byte length that fits in what is left. */
        private int length() throws IOException {
            int length = intValue();
            if (length < 0 || length > data.length - position) {
                throw new IOException("length: " + length + " (expected: 0 to " + (data.length - position) + ")");
            }
            return length;
        }

        /** An element count, each element at least a byte: no more than what is left. */
        private int count() throws IOException {
            int size = intValue();
            if (size < 0 || size > data.length - position) {
                throw new IOException("count: " + size + " (expected: 0 to " + (data.length - position) + ")");
            }
            return size;
        }

        private void need(int bytes) throws IOException {
            if (data.length - position < bytes) {
                throw new EOFException("a record's payload ends early");
            }
        }
    }

    // ---- The core's objects.

    static void writeMessage(Writer out, Message message) {
        out.longValue(message.id()).string(message.exchange()).string(message.routingKey())
                .longValue(message.ttlMillis().orElse(-1)).bool(message.persistent())
                .map(message.headers()).map(message.properties()).bytes(message.payload());
    }

    static Message readMessage(Reader in) throws IOException {
        long id = in.longValue();
        Message.Builder builder = Message.builder(id, in.string(), in.string());
        long ttl = in.longValue();
        if (ttl >= 0) {
            builder.ttlMillis(ttl);
        }
        builder.persistent(in.bool()).headers(in.map());
        in.map().forEach(builder::property);
        return builder.payload(in.bytes()).build();
    }

    static byte[] message(Message message) {
        Writer out = new Writer(message.payload().length + 96);
        writeMessage(out, message);
        return out.toBytes();
    }

    static byte[] exchange(ExchangeSpec spec) {
        return new Writer().string(spec.name()).string(spec.type().amqpName()).bool(spec.durable())
                .bool(spec.autoDelete()).bool(spec.internal()).map(spec.arguments()).toBytes();
    }

    static ExchangeSpec readExchange(Reader in) throws IOException {
        String name = in.string();
        ExchangeType exchangeType;
        try {
            exchangeType = ExchangeType.of(in.string());
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
        return new ExchangeSpec(name, exchangeType, in.bool(), in.bool(), in.bool(), in.map());
    }

    static byte[] queue(QueueSpec spec) {
        return new Writer().string(spec.name()).bool(spec.durable()).bool(spec.exclusive()).bool(spec.autoDelete())
                .map(spec.arguments()).toBytes();
    }

    static QueueSpec readQueue(Reader in) throws IOException {
        return new QueueSpec(in.string(), in.bool(), in.bool(), in.bool(), in.map());
    }

    static byte[] binding(Binding binding) {
        return new Writer().string(binding.exchange()).string(binding.queue()).string(binding.key())
                .map(binding.arguments()).bool(binding.dollarProtected()).toBytes();
    }

    static Binding readBinding(Reader in) throws IOException {
        return new Binding(in.string(), in.string(), in.string(), in.map(), in.bool());
    }

    static byte[] will(WillState will) {
        return new Writer().string(will.clientId()).string(will.topic()).intValue(will.qos()).bool(will.retain())
                .bytes(will.payload()).map(will.properties()).longValue(will.publishAt()).toBytes();
    }

    static WillState readWill(Reader in) throws IOException {
        return new WillState(in.string(), in.string(), in.intValue(), in.bool(), in.bytes(), in.map(), in.longValue());
    }

    static byte[] held(HeldPublish held) {
        Writer out = new Writer().string(held.clientId()).intValue(held.packetId()).intValue(held.qos())
                .string(held.topic()).bool(held.retain()).longValue(held.expiresAtMillis());
        writeIds(out, held.subscriptionIds());
        writeMessage(out, held.message());
        if (held.queue() != null) { // Added last: a reader that does not know it stops before it.
            out.string(held.queue());
        }
        return out.toBytes();
    }

    static HeldPublish readHeld(Reader in) throws IOException {
        String clientId = in.string();
        int packetId = in.intValue();
        int qos = in.intValue();
        String topic = in.string();
        boolean retain = in.bool();
        long expiresAt = in.longValue();
        List<Integer> ids = readIds(in);
        Message message = readMessage(in);
        return new HeldPublish(clientId, packetId, qos, topic, retain, expiresAt, ids, message,
                in.more() ? in.string() : null);
    }

    /** A {@code QOS2_PUBLISHED} record as first written: client id, packet id, message id. */
    static byte[] published(String clientId, int packetId, long messageId) {
        return new Writer().string(clientId).intValue(packetId).longValue(messageId).toBytes();
    }

    /**
     * A {@code QOS2_PUBLISHED} record of a send from a shared subscription's queue: the three fields of
     * {@link #published}, then the queue, topic, retain flag, expiry and subscription identifiers. A reader that
     * knows only the first three stops there, and the record means to it what it meant before.
     */
    static byte[] sharedPublished(HeldPublish publish) {
        Writer out = new Writer(96).string(publish.clientId()).intValue(publish.packetId())
                .longValue(publish.message().id()).string(publish.queue()).string(publish.topic()).bool(publish.retain())
                .longValue(publish.expiresAtMillis());
        writeIds(out, publish.subscriptionIds());
        return out.toBytes();
    }

    static RecordKey.Published readPublished(Reader in) throws IOException {
        String clientId = in.string();
        int packetId = in.intValue();
        long messageId = in.longValue();
        if (!in.more()) {
            return new RecordKey.Published(clientId, packetId, messageId, null);
        }
        String queue = in.string();
        String topic = in.string();
        boolean retain = in.bool();
        long expiresAt = in.longValue();
        return new RecordKey.Published(clientId, packetId, messageId,
                new RecordKey.SharedSend(queue, topic, retain, expiresAt, readIds(in)));
    }

    private static void writeIds(Writer out, List<Integer> subscriptionIds) {
        out.intValue(subscriptionIds.size());
        subscriptionIds.forEach(out::intValue);
    }

    private static List<Integer> readIds(Reader in) throws IOException {
        int count = in.intValue();
        if (count < 0 || count > 65_535) {
            throw new IOException("subscription identifiers: " + count + " (expected: 0 to 65535)");
        }
        List<Integer> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(in.intValue());
        }
        return ids;
    }

    static byte[] session(SessionState session) {
        Writer out = new Writer().string(session.clientId()).string(session.queue()).longValue(session.expiryMillis())
                .intValue(session.subscriptions().size());
        session.subscriptions().forEach((filter, options) -> out.string(filter).intValue(options.qos())
                .bool(options.noLocal()).bool(options.retainAsPublished()).intValue(options.retainHandling())
                .intValue(options.subscriptionId()));
        return out.toBytes();
    }

    static SessionState readSession(Reader in) throws IOException {
        String clientId = in.string();
        String queue = in.string();
        long expiry = in.longValue();
        int count = in.intValue();
        Map<String, SubscriptionOptions> subscriptions = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String filter = in.string();
            try {
                subscriptions.put(filter, new SubscriptionOptions(in.intValue(), in.bool(), in.bool(), in.intValue(),
                        in.intValue()));
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        return new SessionState(clientId, queue, expiry, subscriptions);
    }
}
