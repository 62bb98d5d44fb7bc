package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Overflow;

/**
 * What a full session queue does with one more message ({@code broker.mqtt.queue-overflow}); either way the message
 * lost is counted and the first loss of each session is logged ({@link MqttDrops}).
 */
public enum QueueOverflow {
    /** Keep the new message and drop the oldest waiting one: the core's {@code drop-head}. */
    DROP_OLDEST("drop-oldest", Overflow.DROP_HEAD),
    /** Keep what waits and refuse the new message for this session: the core's {@code reject-publish}. */
    REJECT_NEW("reject-new", Overflow.REJECT_PUBLISH);

    private final String configName;
    private final Overflow core;

    QueueOverflow(String configName, Overflow core) {
        this.configName = configName;
        this.core = core;
    }

    /** The name written in the config. */
    public String configName() {
        return configName;
    }

    /** The core policy that implements this one. */
    public Overflow core() {
        return core;
    }

    /** The policy written as {@code name} in the config, or null. */
    public static QueueOverflow of(String name) {
        for (QueueOverflow overflow : values()) {
            if (overflow.configName.equals(name)) {
                return overflow;
            }
        }
        return null;
    }
}
