package dev.lintas.broker.mqtt;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;

import java.nio.charset.StandardCharsets;

/**
 * The MQTT 5 CONNACK's Response Information (section 3.2.2.3.15): a string a client that asked for it (Request
 * Response Information 1 in CONNECT, 3.1.2.11.6) may take as the base of the Response Topics it subscribes to. It is
 * the setting {@code broker.mqtt.response-information} ({@link MqttSettings#responseInformation()}), with the client
 * id in place of {@value #CLIENT_ID}, so that each client can have a subtree of its own, such as
 * {@code responses/${client-id}/}. The broker only tells the client; it reserves nothing and authorizes nothing.
 * <p>
 * None is sent when the setting is absent, when the client did not ask (0 or absent means the server MUST NOT send it,
 * [MQTT-3.1.2-28]), when the client id makes it something other than a topic name (a {@code +}, {@code #} or NUL in
 * the id), or when it would take the CONNACK over the client's Maximum Packet Size [MQTT-3.1.2-24].
 */
final class ResponseInformation {

    /** Where the setting takes the client id. */
    static final String CLIENT_ID = "${client-id}";

    private ResponseInformation() {
    }

    /** Whether {@code setting} is a topic name once a client id takes the place of {@value #CLIENT_ID}. */
    static boolean validSetting(String setting) {
        String sample = setting.replace(CLIENT_ID, "c");
        return MqttBroker.validTopicName(sample)
                && sample.getBytes(StandardCharsets.UTF_8).length <= MqttSettings.MAX_TOPIC_LENGTH_LIMIT;
    }

    /**
     * Adds the Response Information to the properties of an accepting CONNACK, if the client asked for it and it fits.
     *
     * @param ack the CONNACK's properties so far, all but a Reason String
     * @param setting the setting, or null for none
     * @param connect the properties of the client's CONNECT
     * @param maxPacketSize the client's Maximum Packet Size
     */
    static void addTo(MqttProperties ack, String setting, MqttProperties connect, String clientId,
            long maxPacketSize) {
        MqttProperties.MqttProperty<?> requested = connect.getProperty(
                MqttPropertyType.REQUEST_RESPONSE_INFORMATION.value());
        if (setting == null || requested == null || !Integer.valueOf(1).equals(requested.value())) {
            return;
        }
        String value = setting.replace(CLIENT_ID, clientId);
        if (!MqttBroker.validTopicName(value)
                || value.getBytes(StandardCharsets.UTF_8).length > MqttSettings.MAX_TOPIC_LENGTH_LIMIT) {
            return;
        }
        MqttProperties.StringProperty property = new MqttProperties.StringProperty(
                MqttPropertyType.RESPONSE_INFORMATION.value(), value);
        MqttProperties withIt = new MqttProperties();
        ack.listAll().forEach(withIt::add);
        withIt.add(property);
        if (PacketSizes.ack(2, withIt) <= maxPacketSize) { // Two bytes: the acknowledge flags and the reason code.
            ack.add(property);
        }
    }
}
