package dev.lintas.broker.mqtt;

/** Where one MQTT connection is in its life; only its channel's event loop reads or changes it. */
enum MqttConnection {
    /** Open, and the first packet, which must be CONNECT, has not come yet. */
    AWAITING_CONNECT,
    /** CONNECT named an MQTT 5 Authentication Method and the AUTH exchange is under way; only AUTH is read. */
    AUTHENTICATING,
    /** CONNECT accepted: the connection holds a session and takes PUBLISH, SUBSCRIBE and the rest. */
    CONNECTED,
    /** Going or gone: nothing more is read or delivered, and the cleanup runs once, when the channel closes. */
    CLOSED
}
