package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.VirtualHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link PacketSizes} agrees with what Netty's encoder writes, byte for byte. */
class PacketSizesTest {

    private final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);

    @AfterEach
    void release() {
        encoder.finishAndReleaseAll();
    }

    private int encodedSize(MqttMessage message) {
        encoder.writeOutbound(message);
        int size = 0;
        for (ByteBuf buf = encoder.readOutbound(); buf != null; buf = encoder.readOutbound()) {
            size += buf.readableBytes();
            buf.release();
        }
        return size;
    }

    /** The encoder writes MQTT 5 properties once a v5 CONNECT has passed through it. */
    private void speakV5() {
        encodedSize(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("sizes").build());
    }

    private static MqttProperties everyKind() {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), 1));
        properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), 99));
        properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), 3));
        properties.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), "text/plaïn"));
        properties.add(new MqttProperties.StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), "re/ply"));
        properties.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), new byte[17]));
        properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), 5));
        properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(),
                200_000));
        properties.add(new MqttProperties.UserProperty("k", "v"));
        properties.add(new MqttProperties.UserProperty("ключ", "значение"));
        return properties;
    }

    @Test
    void publishSizesMatchTheEncoder() {
        speakV5();
        for (int payload : new int[] {0, 10, 127, 200, 20_000}) {
            for (int qos : new int[] {0, 1}) {
                for (MqttProperties properties : new MqttProperties[] {new MqttProperties(), everyKind()}) {
                    String topic = "size/tøpic";
                    long expected = PacketSizes.publish(topic, qos, properties, true, payload);
                    MqttPublishMessage publish = new MqttPublishMessage(
                            new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(qos), false, 0),
                            new MqttPublishVariableHeader(topic, qos == 0 ? 0 : 1, properties),
                            Unpooled.wrappedBuffer(new byte[payload]));
                    assertThat(encodedSize(publish)).as("payload %d, QoS %d, %s", payload, qos, properties)
                            .isEqualTo((int) expected);
                }
            }
        }
    }

    @Test
    void ackSizesMatchTheEncoder() {
        speakV5();
        MqttProperties reason = new MqttProperties();
        reason.add(new MqttProperties.StringProperty(MqttPropertyType.REASON_STRING.value(),
                "why ".repeat(50).getBytes(StandardCharsets.UTF_8).length + " bytes of why"));
        MqttMessage puback = new MqttMessage(
                new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttPubReplyMessageVariableHeader(7, (byte) 0x99, reason));
        assertThat(encodedSize(puback)).isEqualTo((int) PacketSizes.ack(3, reason));
        MqttMessage disconnect = MqttMessageBuilders.disconnect().reasonCode((byte) 0x82).properties(reason).build();
        assertThat(encodedSize(disconnect)).isEqualTo((int) PacketSizes.ack(1, reason));
    }

    private static int topicAlias(MqttPublishMessage publish) {
        MqttProperties.MqttProperty<?> alias = publish.variableHeader().properties()
                .getProperty(MqttPropertyType.TOPIC_ALIAS.value());
        return alias == null ? 0 : (Integer) alias.value();
    }

    @Test
    void aTopicAliasNeverTakesAPublishPastTheClientsMaximum() {
        speakV5();
        VirtualHost host = new VirtualHost("/", () -> 0L, QueueJournal.NONE);
        Message message = host.message("amq.topic", "size.topic").payload(new byte[100]).build();
        int plain = (int) PacketSizes.publish("size/topic", 1, new MqttProperties(), true, 100);

        // The limit is the size without an alias; with one (3 bytes more) it would not fit, so it goes without.
        PublishEncoder tight = new PublishEncoder(true, new TopicAliases(0, 1), plain);
        MqttPublishMessage first = tight.encode("size/topic", 1, false, false, message, Long.MAX_VALUE, 0,
                List.of(), () -> 1);
        assertThat(first.variableHeader().topicName()).isEqualTo("size/topic");
        assertThat(topicAlias(first)).isZero();
        assertThat(encodedSize(first)).isEqualTo(plain);

        // With room for the alias, the first PUBLISH sets it, within the limit, and the next one uses it alone.
        PublishEncoder roomy = new PublishEncoder(true, new TopicAliases(0, 1), plain + 3);
        MqttPublishMessage setting = roomy.encode("size/topic", 1, false, false, message, Long.MAX_VALUE, 0,
                List.of(), () -> 2);
        assertThat(topicAlias(setting)).isEqualTo(1);
        assertThat(setting.variableHeader().topicName()).isEqualTo("size/topic");
        assertThat(encodedSize(setting)).isEqualTo(plain + 3);
        MqttPublishMessage using = roomy.encode("size/topic", 1, false, false, message, Long.MAX_VALUE, 0,
                List.of(), () -> 3);
        assertThat(using.variableHeader().topicName()).isEmpty();
        assertThat(topicAlias(using)).isEqualTo(1);
        assertThat(encodedSize(using)).isLessThan(plain);
    }
}
