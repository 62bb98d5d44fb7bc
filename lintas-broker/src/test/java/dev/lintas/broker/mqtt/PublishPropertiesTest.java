package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Message;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The mapping between MQTT 5 message properties and the core message, both ways, without a broker. */
class PublishPropertiesTest {

    private static final long NOW = 1_000_000;

    private static Message.Builder message() {
        return Message.builder(1, MqttBroker.EXCHANGE, "a.b");
    }

    private static List<String> userProperties(MqttProperties wire) {
        return wire.getProperties(MqttPropertyType.USER_PROPERTY.value()).stream()
                .map(property -> ((MqttProperties.UserProperty) property).value())
                .map(pair -> pair.key + "=" + pair.value).toList();
    }

    private static Object value(MqttProperties wire, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> property = wire.getProperty(type.value());
        return property == null ? null : property.value();
    }

    @Test
    void aRoundTripKeepsEveryPropertyAndTheOrderOfRepeatedUserProperties() {
        MqttProperties in = new MqttProperties();
        in.add(new MqttProperties.IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), 1));
        in.add(new MqttProperties.IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), 30));
        in.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), "application/json"));
        in.add(new MqttProperties.StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), "re/ply"));
        in.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), new byte[] {1, 2}));
        in.add(new MqttProperties.UserProperty("a", "1"));
        in.add(new MqttProperties.UserProperty("b", "2"));
        in.add(new MqttProperties.UserProperty("a", "3"));
        Message.Builder builder = message();
        PublishProperties.fromWire(in).applyTo(builder);
        Message message = builder.build();
        assertThat(message.ttlMillis()).hasValue(30_000);
        assertThat(message.headers()).containsExactly(Map.entry("a", List.of("1", "3")), Map.entry("b", "2"));

        MqttProperties out = PublishProperties.toWire(message, NOW + 29_001, NOW);
        assertThat(value(out, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR)).isEqualTo(1);
        assertThat(value(out, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL)).isEqualTo(30); // 29.001 s, rounded up
        assertThat(value(out, MqttPropertyType.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(value(out, MqttPropertyType.RESPONSE_TOPIC)).isEqualTo("re/ply");
        assertThat((byte[]) value(out, MqttPropertyType.CORRELATION_DATA)).containsExactly(1, 2);
        assertThat(userProperties(out)).containsExactly("a=1", "b=2", "a=3");
    }

    @Test
    void manyRepeatedUserPropertiesKeepTheirOrder() {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            pairs.add(Map.entry(i % 2 == 0 ? "even" : "odd", Integer.toString(i)));
        }
        Message.Builder builder = message();
        new PublishProperties(-1, -1, null, null, null, pairs).applyTo(builder);
        Message message = builder.build();
        assertThat(message.headers().get("even")).asInstanceOf(InstanceOfAssertFactories.list(String.class))
                .hasSize(10_000).startsWith("0", "2");
        List<String> out = userProperties(PublishProperties.toWire(message, Long.MAX_VALUE, NOW));
        assertThat(out).hasSize(20_000).startsWith("even=0", "odd=1", "even=2").endsWith("odd=19999");
    }

    @Test
    void aMessageFromElsewhereGetsUserPropertiesFromItsScalarHeaders() {
        Message amqp = message()
                .header("text", "t")
                .header("number", 42)
                .header("several", List.of("x", "y"))
                .header("x-death", List.of(Map.of("queue", "q")))
                .property(PublishProperties.CORRELATION_ID, "corr-1")
                .build();
        MqttProperties out = PublishProperties.toWire(amqp, Long.MAX_VALUE, NOW);
        assertThat(userProperties(out)).containsExactly("text=t", "number=42", "several=x", "several=y");
        assertThat((byte[]) value(out, MqttPropertyType.CORRELATION_DATA))
                .isEqualTo("corr-1".getBytes(StandardCharsets.UTF_8));
        assertThat(value(out, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL)).isNull();
    }

    @Test
    void theRemainingExpiryIsAtLeastOneSecond() {
        Message message = message().ttlMillis(5_000).build();
        assertThat(value(PublishProperties.toWire(message, NOW, NOW), MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL))
                .isEqualTo(1);
        assertThat(value(PublishProperties.toWire(message, NOW + 2_000, NOW),
                MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL)).isEqualTo(2);
    }

    @Test
    void payloadFormatOneAcceptsOnlyWellFormedUtf8() {
        PublishProperties text = new PublishProperties(1, -1, null, null, null, List.of());
        assertThat(text.payloadValid("grüße".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(text.payloadValid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isFalse(); // a surrogate
        assertThat(text.payloadValid(new byte[] {(byte) 0xC0, (byte) 0x80})).isFalse(); // overlong NUL
        assertThat(PublishProperties.NONE.payloadValid(new byte[] {(byte) 0xFF})).isTrue();
    }
}
