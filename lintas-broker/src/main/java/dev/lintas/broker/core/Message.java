package dev.lintas.broker.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One published message, immutable and shared: when a publish reaches many queues, every queue holds this same object,
 * and the payload array is never copied. Whoever builds a message hands its payload array over and must not change it
 * afterwards; whoever reads {@link #payload()} must not change it either.
 * <p>
 * {@link #headers()} are the application headers that a headers exchange matches and dead-lettering extends (AMQP's
 * headers table, MQTT 5's user properties). {@link #properties()} carry the other protocol properties through the
 * core untouched (content type, correlation id, reply-to and so on), for the adapters to agree on.
 */
public final class Message {

    private final long id;
    private final String exchange;
    private final String routingKey;
    private final Map<String, Object> headers;
    private final Map<String, Object> properties;
    private final byte[] payload;
    private final long ttlMillis;
    private final boolean persistent;

    private Message(Builder builder) {
        this.id = builder.id;
        this.exchange = builder.exchange;
        this.routingKey = builder.routingKey;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(builder.properties));
        this.payload = builder.payload;
        this.ttlMillis = builder.ttlMillis;
        this.persistent = builder.persistent;
    }

    /**
     * A builder for a message with a given id. Adapters take ids from {@link VirtualHost#message}; this form is for
     * recovery, where the id was stored.
     */
    public static Builder builder(long id, String exchange, String routingKey) {
        return new Builder(id, exchange, routingKey);
    }

    /** Unique among the messages of one virtual host; the same object in every queue it reached. */
    public long id() {
        return id;
    }

    /** The exchange it was published to; "" for the default exchange. */
    public String exchange() {
        return exchange;
    }

    public String routingKey() {
        return routingKey;
    }

    public Map<String, Object> headers() {
        return headers;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    /** The body, shared and not to be modified. */
    public byte[] payload() {
        return payload;
    }

    /** The body length, which is what {@code x-max-length-bytes} counts. */
    public int size() {
        return payload.length;
    }

    /** The per-message time to live in milliseconds, counted from when it enters each queue (AMQP expiration). */
    public OptionalLong ttlMillis() {
        return ttlMillis < 0 ? OptionalLong.empty() : OptionalLong.of(ttlMillis);
    }

    /** Whether it should survive a restart once the durable store exists (AMQP delivery-mode 2, MQTT QoS above 0). */
    public boolean persistent() {
        return persistent;
    }

    /** A builder that starts from this message, keeping the same payload array. */
    Builder toBuilder(long newId) {
        Builder builder = new Builder(newId, exchange, routingKey);
        builder.headers.putAll(headers);
        builder.properties.putAll(properties);
        builder.payload = payload;
        builder.ttlMillis = ttlMillis;
        builder.persistent = persistent;
        return builder;
    }

    @Override
    public String toString() {
        return "Message[id=" + id + ", exchange=" + exchange + ", routingKey=" + routingKey + ", size=" + size() + "]";
    }

    /** Collects the parts of a message; {@link #build()} may be called once per message wanted. */
    public static final class Builder {

        private static final byte[] EMPTY = new byte[0];

        private final long id;
        private String exchange;
        private String routingKey;
        private final Map<String, Object> headers = new LinkedHashMap<>();
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private byte[] payload = EMPTY;
        private long ttlMillis = -1;
        private boolean persistent;

        private Builder(long id, String exchange, String routingKey) {
            this.id = id;
            this.exchange = Objects.requireNonNull(exchange, "exchange");
            this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
        }

        Builder exchange(String exchange) {
            this.exchange = Objects.requireNonNull(exchange, "exchange");
            return this;
        }

        Builder routingKey(String routingKey) {
            this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
            return this;
        }

        /** Takes the array as it is, without a copy. */
        public Builder payload(byte[] payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
            return this;
        }

        public Builder header(String name, Object value) {
            headers.put(Objects.requireNonNull(name, "name"), value);
            return this;
        }

        public Builder headers(Map<String, ?> headers) {
            this.headers.putAll(headers);
            return this;
        }

        public Builder property(String name, Object value) {
            properties.put(Objects.requireNonNull(name, "name"), value);
            return this;
        }

        public Builder ttlMillis(long ttlMillis) {
            if (ttlMillis < 0) {
                throw new IllegalArgumentException("ttlMillis: " + ttlMillis + " (expected: >= 0)");
            }
            this.ttlMillis = ttlMillis;
            return this;
        }

        Builder noTtl() {
            this.ttlMillis = -1;
            return this;
        }

        public Builder persistent(boolean persistent) {
            this.persistent = persistent;
            return this;
        }

        Map<String, Object> headers() {
            return headers;
        }

        public Message build() {
            return new Message(this);
        }
    }
}
