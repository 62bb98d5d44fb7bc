package dev.lintas.broker.mqtt.conformance.v5;

import dev.lintas.broker.mqtt.MqttBrokerUnderTest;
import dev.lintas.broker.mqtt.conformance.Packets;
import dev.lintas.broker.mqtt.conformance.RawMqttClient;
import dev.lintas.broker.mqtt.conformance.RawPacket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static dev.lintas.broker.mqtt.conformance.PacketBuilder.packet;
import static dev.lintas.broker.mqtt.conformance.RawMqttClient.assertDisconnectedFor;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5, section 3.12 PINGREQ and 3.13 PINGRESP. */
class PingTest {

    @AutoClose
    private static final MqttBrokerUnderTest mqtt = MqttBrokerUnderTest.start();
    private static final int port = mqtt.port();

    @Test
    void pingReqIsAnsweredWithPingResp() throws Exception {
        try (RawMqttClient client = RawMqttClient.v5(port)) {
            client.connect("ping-ok");
            client.send(Packets.pingReq(), Packets.pingReq());
            // [MQTT-3.12.4-1] one PINGRESP each, with no flags and an empty body.
            for (int i = 0; i < 2; i++) {
                RawPacket pingResp = client.read(RawPacket.PINGRESP);
                assertThat(pingResp.flags()).isZero();
                assertThat(pingResp.body()).isEmpty();
            }
        }
    }

    @Test
    void reservedFlagsOfPingReqAreMalformed() throws Exception {
        // [MQTT-2.1.3-1] the flags of PINGREQ are reserved, 0000.
        assertDisconnectedFor(port, packet(RawPacket.PINGREQ, 0x01).build(), 0x81);
    }

    @Test
    void aPingReqWithABodyIsMalformed() throws Exception {
        // Section 3.12: PINGREQ has no variable header and no payload.
        assertDisconnectedFor(port, packet(RawPacket.PINGREQ, 0).u8(0).build(), 0x81);
    }
}
