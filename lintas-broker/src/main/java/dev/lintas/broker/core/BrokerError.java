package dev.lintas.broker.core;

/**
 * Why the core refused an operation, with the AMQP 0-9-1 reply code that the AMQP adapter sends for it. Every refusal
 * is caused by the client's request (downstream): the state of the broker is unchanged, so the same request fails
 * again unless the client changes it or the state it depends on. The MQTT adapter maps them onto its reason codes.
 */
public enum BrokerError {
    /** The operation is not permitted on this object, such as declaring the default exchange or a name under
     * {@code amq.}, or a second consumer on a queue with an exclusive consumer. */
    ACCESS_REFUSED(403, false),
    /** The exchange or queue named does not exist. */
    NOT_FOUND(404, false),
    /** The queue is exclusive to another connection. */
    RESOURCE_LOCKED(405, false),
    /** The request contradicts the current state: a redeclare with different properties or arguments, an invalid
     * argument, a delete that is not if-unused or if-empty, an unknown delivery tag. */
    PRECONDITION_FAILED(406, false),
    /** The request names something the broker does not implement, such as an unknown exchange type. AMQP closes
     * the whole connection for it. */
    COMMAND_INVALID(503, true);

    private final int replyCode;
    private final boolean connectionLevel;

    BrokerError(int replyCode, boolean connectionLevel) {
        this.replyCode = replyCode;
        this.connectionLevel = connectionLevel;
    }

    /** The AMQP reply code: 403, 404, 405, 406 or 503. */
    public int replyCode() {
        return replyCode;
    }

    /** Whether AMQP answers with {@code connection.close} rather than {@code channel.close}. */
    public boolean connectionLevel() {
        return connectionLevel;
    }
}
