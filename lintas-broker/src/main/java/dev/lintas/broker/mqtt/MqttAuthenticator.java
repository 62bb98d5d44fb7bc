package dev.lintas.broker.mqtt;

/**
 * One MQTT 5 enhanced authentication method (MQTT 5.0, 4.12): a CONNECT that names it in its Authentication Method is
 * authenticated by it, in as many rounds of AUTH packets as it needs, and so is a re-authentication (AUTH 0x19) on
 * that connection. Register one with {@link MqttBroker#addAuthenticator}; a CONNECT naming a method nobody answers
 * gets CONNACK 0x8C (bad authentication method). The broker ships none: SASL mechanisms such as SCRAM plug in here.
 * <p>
 * Called on the connection's event loop, so it must not block. A round's state lives in the {@link Round} it returns.
 */
public interface MqttAuthenticator {

    /** The Authentication Method it answers, such as {@code SCRAM-SHA-256}; compared exactly. */
    String method();

    /**
     * Starts an exchange: at CONNECT, or at a re-authentication.
     *
     * @param clientId the client id from CONNECT; empty when the client left it to the broker to assign
     * @param data the Authentication Data the client sent, or null
     */
    Step start(String clientId, byte[] data);

    /** What one round comes to. */
    sealed interface Step permits Success, Continue, Failure {
    }

    /**
     * The client is authenticated.
     *
     * @param data Authentication Data for the client (in CONNACK, or the AUTH 0x00 that ends a re-authentication),
     *        or null
     */
    record Success(byte[] data) implements Step {
    }

    /**
     * Another round: {@code data} goes to the client in AUTH 0x18 (continue authentication), and the client's answer
     * goes to {@code next}.
     */
    record Continue(byte[] data, Round next) implements Step {
    }

    /**
     * The client is not authenticated: CONNACK 0x87 at CONNECT, DISCONNECT 0x87 at a re-authentication.
     *
     * @param reason why, for the log and the Reason String
     */
    record Failure(String reason) implements Step {
    }

    /** The rest of an exchange, waiting for the client's next AUTH. */
    @FunctionalInterface
    interface Round {
        /** @param data the Authentication Data of the client's AUTH 0x18, or null */
        Step answer(byte[] data);
    }
}
