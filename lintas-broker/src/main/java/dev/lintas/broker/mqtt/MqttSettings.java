package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.QueueSpec;

import java.time.Duration;

/**
 * What the MQTT listener needs to know besides its address: the {@code broker.mqtt} limits. The defaults live here,
 * in {@link #DEFAULTS}, and nowhere else.
 *
 * @param maxPacketSize the largest packet accepted, in bytes; a larger one closes the connection
 * @param connectTimeout how long a new connection may take to send its CONNECT
 * @param maxQueuedMessages the most messages a session's queue holds waiting for its client (offline, or slower
 *        than the publishers); past it {@code queueOverflow} applies, and the loss is counted and logged once per
 *        session
 * @param deliveryWindow the most messages handed to one connection and not yet settled: QoS 1 ones until PUBACK,
 *        QoS 2 ones until PUBCOMP, QoS 0 ones until written to the socket. The client's v5 Receive Maximum lowers it
 *        further.
 * @param maxQueuedBytes the most payload bytes a session's queue holds waiting, or -1 for no byte bound
 * @param queueOverflow what a full session queue does with one more message
 * @param maxConnections the most connections that may hold a session at once; one more gets CONNACK quota exceeded
 * @param maxTopicLength the longest topic name or filter, in UTF-8 bytes
 * @param maxTopicLevels the most levels ({@code /}-separated parts) a topic name or filter may have
 * @param maxSubscriptionsPerClient the most filters one session may be subscribed to
 * @param receiveMaximum the most incoming QoS 1 and 2 PUBLISH packets one session may have unfinished (QoS 2 ones
 *        until PUBREL): the Receive Maximum the v5 CONNACK advertises. A v5 client that goes past it is disconnected
 *        with 0x93.
 * @param topicAliasMaximum the most topic aliases an MQTT 5 client may set (announced in CONNACK); 0 for none
 * @param maxKeepAliveSeconds the longest keep-alive an MQTT 5 client gets: one that asks for more, or for none (0),
 *        gets this in CONNACK's Server Keep Alive; 0 for no maximum
 * @param responseInformation the CONNACK's Response Information for an MQTT 5 client that asks for it, in which
 *        {@value ResponseInformation#CLIENT_ID} stands for the client id; null for none
 */
public record MqttSettings(int maxPacketSize, Duration connectTimeout, int maxQueuedMessages, int deliveryWindow,
        long maxQueuedBytes, QueueOverflow queueOverflow, int maxConnections, int maxTopicLength, int maxTopicLevels,
        int maxSubscriptionsPerClient, int receiveMaximum, int topicAliasMaximum,
        int maxKeepAliveSeconds, String responseInformation) {

    /** The largest packet MQTT can express: the remaining length's maximum, 256 MiB less one byte, and its header. */
    public static final int MAX_PACKET_SIZE_LIMIT = 268_435_455 + 5;
    /** The smallest packet size limit: room for a CONNECT with a short client id. */
    public static final int MIN_PACKET_SIZE = 16;
    /** The default bound of a session's queue. */
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 100_000;
    /** The default per-connection delivery window. */
    public static final int DEFAULT_DELIVERY_WINDOW = 1024;
    /** The default Receive Maximum: as many unfinished incoming QoS 1 and 2 messages as the delivery window. */
    public static final int DEFAULT_RECEIVE_MAXIMUM = 1024;
    /** The default number of topic aliases a client may set. */
    public static final int DEFAULT_TOPIC_ALIAS_MAXIMUM = 16;
    /** The protocol's own bound on a topic: a UTF-8 string of at most 65,535 bytes. */
    public static final int MAX_TOPIC_LENGTH_LIMIT = 65_535;
    /** Read as "no limit" where a count has no bound. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public static final MqttSettings DEFAULTS = new MqttSettings(1024 * 1024, Duration.ofSeconds(10),
            DEFAULT_MAX_QUEUED_MESSAGES, DEFAULT_DELIVERY_WINDOW, -1, QueueOverflow.DROP_OLDEST, UNLIMITED,
            MAX_TOPIC_LENGTH_LIMIT, UNLIMITED, UNLIMITED, DEFAULT_RECEIVE_MAXIMUM, DEFAULT_TOPIC_ALIAS_MAXIMUM,
            0, null);

    public MqttSettings {
        if (maxPacketSize < MIN_PACKET_SIZE || maxPacketSize > MAX_PACKET_SIZE_LIMIT) {
            throw new IllegalArgumentException("maxPacketSize: " + maxPacketSize + " (expected: " + MIN_PACKET_SIZE
                    + " to " + MAX_PACKET_SIZE_LIMIT + ")");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
        if (maxQueuedMessages < 1) {
            throw new IllegalArgumentException("maxQueuedMessages: " + maxQueuedMessages + " (expected: >= 1)");
        }
        if (deliveryWindow < 1 || deliveryWindow > 65_535) {
            throw new IllegalArgumentException("deliveryWindow: " + deliveryWindow + " (expected: 1 to 65535)");
        }
        if (maxQueuedBytes < -1 || maxQueuedBytes == 0) {
            throw new IllegalArgumentException("maxQueuedBytes: " + maxQueuedBytes + " (expected: > 0, or -1)");
        }
        if (queueOverflow == null) {
            throw new IllegalArgumentException("queueOverflow: null (expected: a policy)");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
        if (maxTopicLength < 1 || maxTopicLength > MAX_TOPIC_LENGTH_LIMIT) {
            throw new IllegalArgumentException("maxTopicLength: " + maxTopicLength + " (expected: 1 to "
                    + MAX_TOPIC_LENGTH_LIMIT + ")");
        }
        if (maxTopicLevels < 1) {
            throw new IllegalArgumentException("maxTopicLevels: " + maxTopicLevels + " (expected: >= 1)");
        }
        if (maxSubscriptionsPerClient < 1) {
            throw new IllegalArgumentException("maxSubscriptionsPerClient: " + maxSubscriptionsPerClient
                    + " (expected: >= 1)");
        }
        if (receiveMaximum < 1 || receiveMaximum > 65_535) {
            throw new IllegalArgumentException("receiveMaximum: " + receiveMaximum + " (expected: 1 to 65535)");
        }
        if (topicAliasMaximum < 0 || topicAliasMaximum > 65_535) {
            throw new IllegalArgumentException("topicAliasMaximum: " + topicAliasMaximum
                    + " (expected: 0 to 65535)");
        }
        if (maxKeepAliveSeconds < 0 || maxKeepAliveSeconds > 65_535) {
            throw new IllegalArgumentException("maxKeepAliveSeconds: " + maxKeepAliveSeconds
                    + " (expected: 0 to 65535)");
        }
        if (responseInformation != null && !validResponseInformation(responseInformation)) {
            throw new IllegalArgumentException("responseInformation: '" + responseInformation + "' (expected: "
                    + RESPONSE_INFORMATION_EXPECTED + ")");
        }
    }

    /** What a Response Information setting must be, for messages that say what was expected. */
    public static final String RESPONSE_INFORMATION_EXPECTED =
            "a topic name prefix, not empty, without +, # or NUL, at most 65535 bytes";

    /**
     * Whether {@code value} may be the Response Information setting: with the client id in place of
     * {@value ResponseInformation#CLIENT_ID}, a topic name, which a client can take as the base of its response topics.
     */
    public static boolean validResponseInformation(String value) {
        return ResponseInformation.validSetting(value);
    }

    public MqttSettings withMaxQueuedMessages(int max) {
        return toBuilder().maxQueuedMessages(max).build();
    }

    public MqttSettings withDeliveryWindow(int window) {
        return toBuilder().deliveryWindow(window).build();
    }

    /** The byte bound (-1 for none) and the overflow policy of session queues. */
    public MqttSettings withQueueBounds(long bytes, QueueOverflow overflow) {
        return toBuilder().maxQueuedBytes(bytes).queueOverflow(overflow).build();
    }

    public MqttSettings withMaxPacketSize(int max) {
        return toBuilder().maxPacketSize(max).build();
    }

    public MqttSettings withMaxConnections(int max) {
        return toBuilder().maxConnections(max).build();
    }

    /** The topic limits: length in UTF-8 bytes, levels, and subscriptions per client. */
    public MqttSettings withTopicLimits(int length, int levels, int subscriptions) {
        return toBuilder().maxTopicLength(length).maxTopicLevels(levels).maxSubscriptionsPerClient(subscriptions)
                .build();
    }

    public MqttSettings withReceiveMaximum(int max) {
        return toBuilder().receiveMaximum(max).build();
    }

    public MqttSettings withTopicAliasMaximum(int maximum) {
        return toBuilder().topicAliasMaximum(maximum).build();
    }

    public MqttSettings withMaxKeepAliveSeconds(int seconds) {
        return toBuilder().maxKeepAliveSeconds(seconds).build();
    }

    /** @param value the CONNACK's Response Information, with {@value ResponseInformation#CLIENT_ID}; null for none */
    public MqttSettings withResponseInformation(String value) {
        return toBuilder().responseInformation(value).build();
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Settings changed one field at a time, checked when built; the config reader and tests use it. */
    public static final class Builder {
        private int maxPacketSize;
        private Duration connectTimeout;
        private int maxQueuedMessages;
        private int deliveryWindow;
        private long maxQueuedBytes;
        private QueueOverflow queueOverflow;
        private int maxConnections;
        private int maxTopicLength;
        private int maxTopicLevels;
        private int maxSubscriptionsPerClient;
        private int receiveMaximum;
        private int topicAliasMaximum;
        private int maxKeepAliveSeconds;
        private String responseInformation;

        private Builder(MqttSettings from) {
            maxPacketSize = from.maxPacketSize;
            connectTimeout = from.connectTimeout;
            maxQueuedMessages = from.maxQueuedMessages;
            deliveryWindow = from.deliveryWindow;
            maxQueuedBytes = from.maxQueuedBytes;
            queueOverflow = from.queueOverflow;
            maxConnections = from.maxConnections;
            maxTopicLength = from.maxTopicLength;
            maxTopicLevels = from.maxTopicLevels;
            maxSubscriptionsPerClient = from.maxSubscriptionsPerClient;
            receiveMaximum = from.receiveMaximum;
            topicAliasMaximum = from.topicAliasMaximum;
            maxKeepAliveSeconds = from.maxKeepAliveSeconds;
            responseInformation = from.responseInformation;
        }

        public Builder maxPacketSize(int value) {
            maxPacketSize = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder maxQueuedMessages(int value) {
            maxQueuedMessages = value;
            return this;
        }

        public Builder deliveryWindow(int value) {
            deliveryWindow = value;
            return this;
        }

        public Builder maxQueuedBytes(long value) {
            maxQueuedBytes = value;
            return this;
        }

        public Builder queueOverflow(QueueOverflow value) {
            queueOverflow = value;
            return this;
        }

        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        public Builder maxTopicLength(int value) {
            maxTopicLength = value;
            return this;
        }

        public Builder maxTopicLevels(int value) {
            maxTopicLevels = value;
            return this;
        }

        public Builder maxSubscriptionsPerClient(int value) {
            maxSubscriptionsPerClient = value;
            return this;
        }

        public Builder receiveMaximum(int value) {
            receiveMaximum = value;
            return this;
        }

        public Builder topicAliasMaximum(int value) {
            topicAliasMaximum = value;
            return this;
        }

        public Builder maxKeepAliveSeconds(int value) {
            maxKeepAliveSeconds = value;
            return this;
        }

        public Builder responseInformation(String value) {
            responseInformation = value;
            return this;
        }

        public MqttSettings build() {
            return new MqttSettings(maxPacketSize, connectTimeout, maxQueuedMessages, deliveryWindow, maxQueuedBytes,
                    queueOverflow, maxConnections, maxTopicLength, maxTopicLevels, maxSubscriptionsPerClient,
                    receiveMaximum, topicAliasMaximum, maxKeepAliveSeconds, responseInformation);
        }
    }

    /**
     * A session's (or a shared subscription group's) queue, bounded: past {@code maxQueuedMessages} (or
     * {@code maxQueuedBytes}) the overflow policy drops the oldest or refuses the newest, and {@link MqttDrops}
     * counts either.
     */
    QueueSpec boundedQueue(String queue) {
        QueueSpec spec = QueueSpec.named(queue)
                .withArgument("x-max-length", maxQueuedMessages)
                .withArgument("x-overflow", queueOverflow.core().argument());
        return maxQueuedBytes < 0 ? spec : spec.withArgument("x-max-length-bytes", maxQueuedBytes);
    }
}
