package dev.lintas.broker.mqtt;

import java.util.LinkedHashMap;

/**
 * The MQTT 5 topic aliases of one connection, both ways. Each direction has its own numbers, from 1 up to the
 * Topic Alias Maximum its receiver announced: the broker's ({@link MqttSettings#topicAliasMaximum()}, in CONNACK) for
 * what the client sends, the client's (in CONNECT; none when absent, and always none in MQTT 3.1.1) for what the
 * broker sends.
 * <p>
 * Outbound, a topic gets the next free alias the first time it is sent; once all are taken, the least recently sent
 * topic gives its alias up. The PUBLISH that (re)assigns an alias carries the full topic; later ones an empty topic.
 * <p>
 * Event loop only.
 */
final class TopicAliases {

    /** What an incoming PUBLISH's topic name and alias come to. */
    sealed interface Resolved {
    }

    /** The topic the PUBLISH is for. */
    record Topic(String name) implements Resolved {
    }

    /** A protocol error: the DISCONNECT reason code, and why. */
    record Refusal(byte reason, String why) implements Resolved {
    }

    /**
     * What to put in an outgoing PUBLISH.
     *
     * @param topic the topic name to send: the full name, or "" when the alias alone stands for it
     * @param alias the Topic Alias property to send, or 0 for none
     */
    record Outgoing(String topic, int alias) {
    }

    private static final byte PROTOCOL_ERROR = (byte) 0x82;
    private static final byte TOPIC_ALIAS_INVALID = (byte) 0x94;

    private final String[] inbound;
    private final int outboundMaximum;
    /** Topic to alias, least recently sent first. */
    private final LinkedHashMap<String, Integer> outbound = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * @param inboundMaximum the most aliases the client may set (what CONNACK announced)
     * @param outboundMaximum the most aliases the broker may set (the client's Topic Alias Maximum)
     */
    TopicAliases(int inboundMaximum, int outboundMaximum) {
        this.inbound = new String[inboundMaximum + 1];
        this.outboundMaximum = outboundMaximum;
    }

    /**
     * The topic an incoming PUBLISH is for.
     *
     * @param alias its Topic Alias property, or -1 when it has none
     */
    Resolved resolve(String topic, int alias) {
        if (alias < 0) {
            return topic.isEmpty() ? new Refusal(PROTOCOL_ERROR, "PUBLISH with an empty topic and no topic alias")
                    : new Topic(topic);
        }
        if (alias == 0 || alias >= inbound.length) {
            return new Refusal(TOPIC_ALIAS_INVALID, "topic alias " + alias + " (expected: 1 to "
                    + (inbound.length - 1) + ")");
        }
        if (!topic.isEmpty()) {
            inbound[alias] = topic;
            return new Topic(topic);
        }
        String known = inbound[alias];
        return known != null ? new Topic(known)
                : new Refusal(PROTOCOL_ERROR, "PUBLISH with an empty topic and topic alias " + alias + ", never set");
    }

    /** What {@link #send} would give for {@code topic} now, without assigning anything. */
    Outgoing peek(String topic) {
        if (outboundMaximum == 0) {
            return new Outgoing(topic, 0);
        }
        Integer alias = outbound.get(topic);
        if (alias != null) {
            return new Outgoing("", alias);
        }
        return new Outgoing(topic, outbound.size() < outboundMaximum ? outbound.size() + 1
                : outbound.values().iterator().next());
    }

    /** How to send {@code topic}: with an alias when the client allows them. */
    Outgoing send(String topic) {
        Outgoing named = peek(topic);
        if (named.alias() > 0 && !named.topic().isEmpty()) { // A new alias: it replaces the least recently sent.
            if (outbound.size() >= outboundMaximum) {
                outbound.pollFirstEntry();
            }
            outbound.put(topic, named.alias());
        }
        return named;
    }
}
