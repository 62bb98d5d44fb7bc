package dev.lintas.broker.mqtt;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;

/**
 * The enhanced authentication of one MQTT 5 connection: the method its CONNECT named, and the round that waits for
 * the client's next AUTH. It checks the AUTH packets the client sends against the rules of MQTT 5.0, 4.12, and hands
 * the data to the {@link MqttAuthenticator}; the handler acts on the {@link MqttAuthenticator.Step} that comes back.
 * <p>
 * Event loop only.
 */
final class EnhancedAuth {

    static final byte SUCCESS = 0x00;
    static final byte CONTINUE = 0x18;
    static final byte REAUTHENTICATE = 0x19;

    private final MqttAuthenticator authenticator;
    private MqttAuthenticator.Round waiting;

    EnhancedAuth(MqttAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    String method() {
        return authenticator.method();
    }

    /** The first round, with the data of CONNECT. */
    MqttAuthenticator.Step start(String clientId, byte[] data) {
        return remember(authenticator.start(clientId, data));
    }

    /**
     * What breaks the rules of MQTT 5.0, 4.12 in a client's AUTH, or null if nothing does: it must name this
     * connection's method, and be 0x18 (continue) when the broker waits for an answer, or 0x19 (re-authenticate) on an
     * accepted connection with no exchange under way.
     *
     * @param connected whether CONNECT was accepted already
     */
    String violation(MqttMessage auth, boolean connected) {
        MqttReasonCodeAndPropertiesVariableHeader header = (MqttReasonCodeAndPropertiesVariableHeader) auth
                .variableHeader();
        Object method = WireProperties.value(header.properties(), MqttPropertyType.AUTHENTICATION_METHOD);
        if (!authenticator.method().equals(method)) {
            return "AUTH with method " + method + ", not " + authenticator.method();
        }
        boolean fits = waiting != null ? header.reasonCode() == CONTINUE
                : connected && header.reasonCode() == REAUTHENTICATE;
        return fits ? null : "AUTH with reason 0x" + Integer.toHexString(header.reasonCode() & 0xFF)
                + (waiting == null ? " and no exchange under way" : " while the broker waits for an answer");
    }

    /** The next round, from a client's AUTH that has no {@link #violation}. */
    MqttAuthenticator.Step answer(MqttMessage auth, String clientId) {
        MqttReasonCodeAndPropertiesVariableHeader header = (MqttReasonCodeAndPropertiesVariableHeader) auth
                .variableHeader();
        byte[] data = (byte[]) WireProperties.value(header.properties(), MqttPropertyType.AUTHENTICATION_DATA);
        MqttAuthenticator.Round round = waiting;
        return remember(round != null ? round.answer(data) : authenticator.start(clientId, data));
    }

    /** An AUTH packet from the broker: {@code reasonCode} with this method and {@code data}. */
    MqttMessage authPacket(byte reasonCode, byte[] data) {
        return MqttMessageBuilders.auth().reasonCode(reasonCode).properties(properties(data)).build();
    }

    /** The Authentication Method and, if any, Data, for CONNACK or AUTH. */
    MqttProperties properties(byte[] data) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.StringProperty(MqttPropertyType.AUTHENTICATION_METHOD.value(),
                authenticator.method()));
        if (data != null) {
            properties.add(new MqttProperties.BinaryProperty(MqttPropertyType.AUTHENTICATION_DATA.value(), data));
        }
        return properties;
    }

    private MqttAuthenticator.Step remember(MqttAuthenticator.Step step) {
        waiting = step instanceof MqttAuthenticator.Continue more ? more.next() : null;
        return step;
    }

}
