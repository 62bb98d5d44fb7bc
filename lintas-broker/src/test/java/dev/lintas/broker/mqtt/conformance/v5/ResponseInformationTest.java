package dev.lintas.broker.mqtt.conformance.v5;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.MqttSettings;
import dev.lintas.broker.mqtt.conformance.PacketBuilder.Properties;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT 5, sections 3.1.2.11.6 (Request Response Information) and 3.2.2.3.15 (Response Information), with
 * {@code broker.mqtt.response-information} set to {@code responses/${client-id}/}, and on a broker without it.
 */
class ResponseInformationTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start(
            MqttSettings.DEFAULTS.withResponseInformation("responses/${client-id}/"));
    private static final int port = mqtt.port();
    @AutoClose
    private static final MqttBrokerUnderTest plain = MqttBrokerUnderTest.start();

    /** The properties of the CONNACK that accepts a CONNECT of {@code clientId} with {@code properties}. */
    private static Map<Integer, Object> connAck(int port, String clientId, Properties properties) throws IOException {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.send(Packets.connectHeader(true, Packets.CLEAN, 60, properties).string(clientId).build());
            RawPacket connAck = client.read(RawPacket.CONNACK);
            assertThat(connAck.reasonCode()).isZero();
            return connAck.properties();
        }
    }

    @Test
    void aRequestGetsTheSettingWithTheClientId() throws Exception {
        // 3.1.2.11.6: 1 means the server MAY return Response Information; this one does (0x1A).
        assertThat(connAck(port, "ri-raw", Properties.of().u8(0x19, 1))).containsEntry(0x1A, "responses/ri-raw/");
    }

    @Test
    void noRequestGetsNone() throws Exception {
        // [MQTT-3.1.2-28] 0 means the server MUST NOT return Response Information, and absent means 0.
        assertThat(connAck(port, "ri-zero", Properties.of().u8(0x19, 0))).doesNotContainKey(0x1A);
        assertThat(connAck(port, "ri-absent", Properties.of())).doesNotContainKey(0x1A);
    }

    @Test
    void aBrokerWithoutTheSettingSendsNone() throws Exception {
        // The non-normative comment of 3.1.2.11.6: the server may leave it out even when asked.
        assertThat(connAck(plain.port(), "ri-plain", Properties.of().u8(0x19, 1))).doesNotContainKey(0x1A);
    }

    @Test
    void noneWhenItWouldTakeTheConnAckOverTheClientsMaximumPacketSize() throws Exception {
        // [MQTT-3.1.2-24]: the CONNACK without it is about 20 bytes; with it, past 40.
        String id = "ri-small-" + "x".repeat(30);
        assertThat(connAck(port, id, Properties.of().u8(0x19, 1).u32(0x27, 40))).doesNotContainKey(0x1A);
        assertThat(connAck(port, id, Properties.of().u8(0x19, 1).u32(0x27, 200)))
                .containsEntry(0x1A, "responses/" + id + "/");
    }

    @Test
    void noneWhenTheClientIdWouldPutAWildcardInIt() throws Exception {
        // A client id may hold '+'; the base of response topics may not [MQTT-3.3.2-14].
        assertThat(connAck(port, "ri+plus", Properties.of().u8(0x19, 1))).doesNotContainKey(0x1A);
        RawMqttClient.assertServing(port);
    }
}
