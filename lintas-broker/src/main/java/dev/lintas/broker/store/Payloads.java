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

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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

    private interface IoWrite {
        void run() throws IOException;
    }

    /** Writes fields into a byte array. */
    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer string(String value) {
            return bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        Writer bytes(byte[] value) {
            return io(() -> {
                out.writeInt(value.length);
                out.write(value);
            });
        }

        Writer longValue(long value) {
            return io(() -> out.writeLong(value));
        }

        Writer intValue(int value) {
            return io(() -> out.writeInt(value));
        }

        Writer bool(boolean value) {
            return io(() -> out.writeBoolean(value));
        }

        Writer value(Object value) {
            return io(() -> writeValue(value));
        }

        /** Writes to a byte array, which never fails; the checked exception is only the stream's signature. */
        private Writer io(IoWrite write) {
            try {
                write.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        private void writeValue(Object value) throws IOException {
            switch (value) {
                case null -> out.writeByte(NULL);
                case Boolean b -> out.writeByte(b ? TRUE : FALSE);
                case Byte b -> {
                    out.writeByte(BYTE);
                    out.writeByte(b);
                }
                case Short s -> {
                    out.writeByte(SHORT);
                    out.writeShort(s);
                }
                case Integer i -> {
                    out.writeByte(INT);
                    out.writeInt(i);
                }
                case Long l -> {
                    out.writeByte(LONG);
                    out.writeLong(l);
                }
                case Float f -> {
                    out.writeByte(FLOAT);
                    out.writeFloat(f);
                }
                case Double d -> {
                    out.writeByte(DOUBLE);
                    out.writeDouble(d);
                }
                case Character c -> {
                    out.writeByte(CHAR);
                    out.writeChar(c);
                }
                case String s -> {
                    out.writeByte(STRING);
                    string(s);
                }
                case byte[] b -> {
                    out.writeByte(BYTES);
                    bytes(b);
                }
                case BigDecimal d -> {
                    out.writeByte(DECIMAL);
                    out.writeInt(d.scale());
                    bytes(d.unscaledValue().toByteArray());
                }
                case Date d -> {
                    out.writeByte(DATE);
                    out.writeLong(d.getTime());
                }
                case Instant i -> {
                    out.writeByte(INSTANT);
                    out.writeLong(i.getEpochSecond());
                    out.writeInt(i.getNano());
                }
                case List<?> list -> {
                    out.writeByte(LIST);
                    out.writeInt(list.size());
                    for (Object item : list) {
                        writeValue(item);
                    }
                }
                case Map<?, ?> map -> {
                    out.writeByte(MAP);
                    out.writeInt(map.size());
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
                    out.writeByte(STRING);
                    string(value.toString());
                }
            }
        }

        Writer map(Map<String, ?> map) {
            return value(map);
        }

        byte[] toBytes() {
            return bytes.toByteArray();
        }
    }

    /** Reads fields back, in the order they were written. */
    static final class Reader {
        private final DataInputStream in;

        Reader(byte[] payload) {
            this.in = new DataInputStream(new ByteArrayInputStream(payload));
        }

        String string() throws IOException {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        byte[] bytes() throws IOException {
            int length = in.readInt();
            if (length < 0 || length > in.available()) {
                throw new IOException("length: " + length + " (expected: 0 to " + in.available() + ")");
            }
            return in.readNBytes(length);
        }

        long longValue() throws IOException {
            return in.readLong();
        }

        int intValue() throws IOException {
            return in.readInt();
        }

        boolean bool() throws IOException {
            return in.readBoolean();
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
            int tag = in.readUnsignedByte();
            return switch (tag) {
                case NULL -> null;
                case TRUE -> Boolean.TRUE;
                case FALSE -> Boolean.FALSE;
                case BYTE -> in.readByte();
                case SHORT -> in.readShort();
                case INT -> in.readInt();
                case LONG -> in.readLong();
                case FLOAT -> in.readFloat();
                case DOUBLE -> in.readDouble();
                case CHAR -> in.readChar();
                case STRING -> string();
                case BYTES -> bytes();
                case DECIMAL -> {
                    int scale = in.readInt();
                    yield new BigDecimal(new BigInteger(bytes()), scale);
                }
                case DATE -> new Date(in.readLong());
                case INSTANT -> Instant.ofEpochSecond(in.readLong(), in.readInt());
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

        private int count() throws IOException {
            int size = in.readInt();
            if (size < 0 || size > in.available()) {
                throw new IOException("count: " + size + " (expected: 0 to " + in.available() + ")");
            }
            return size;
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
        Writer out = new Writer();
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
                .string(held.topic()).bool(held.retain()).longValue(held.expiresAtMillis())
                .intValue(held.subscriptionIds().size());
        held.subscriptionIds().forEach(out::intValue);
        writeMessage(out, held.message());
        return out.toBytes();
    }

    static HeldPublish readHeld(Reader in) throws IOException {
        String clientId = in.string();
        int packetId = in.intValue();
        int qos = in.intValue();
        String topic = in.string();
        boolean retain = in.bool();
        long expiresAt = in.longValue();
        int count = in.intValue();
        if (count < 0 || count > 65_535) {
            throw new IOException("subscription identifiers: " + count + " (expected: 0 to 65535)");
        }
        List<Integer> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(in.intValue());
        }
        return new HeldPublish(clientId, packetId, qos, topic, retain, expiresAt, ids, readMessage(in));
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
