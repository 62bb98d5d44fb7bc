package dev.lintas.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lintas.broker.core.Message;
import org.junit.jupiter.api.Test;

/** Record payloads: every value type round-trips, and the bytes stay those of the format logs already hold. */
class PayloadsTest {

    private static Map<String, Object> everyType() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("null", null);
        values.put("true", true);
        values.put("false", false);
        values.put("byte", (byte) -7);
        values.put("short", (short) -300);
        values.put("int", 123_456_789);
        values.put("long", -9_876_543_210L);
        values.put("float", 1.5f);
        values.put("double", -2.25e100);
        values.put("char", 'é');
        values.put("string", "grüße");
        values.put("bytes", new byte[] {1, 2, 3});
        values.put("decimal", new BigDecimal("-12345678901234567890.0042"));
        values.put("date", new Date(1_700_000_000_123L));
        values.put("instant", Instant.ofEpochSecond(1_700_000_000L, 999_999_999));
        values.put("list", List.of(1, "two", List.of(3L)));
        values.put("map", Map.of("inner", "value"));
        return values;
    }

    @Test
    void aMessageWithEveryValueTypeComesBackEqual() throws IOException {
        Message message = Message.builder(42, "amq.topic", "a.b").headers(everyType()).property("p", 1)
                .payload("body".getBytes(StandardCharsets.UTF_8)).persistent(true).ttlMillis(5000).build();

        Message back = Payloads.readMessage(new Payloads.Reader(Payloads.message(message)));

        assertThat(back.id()).isEqualTo(42);
        assertThat(back.exchange()).isEqualTo("amq.topic");
        assertThat(back.routingKey()).isEqualTo("a.b");
        assertThat(back.ttlMillis()).hasValue(5000);
        assertThat(back.persistent()).isTrue();
        assertThat(back.payload()).isEqualTo("body".getBytes(StandardCharsets.UTF_8));
        assertThat(back.properties()).isEqualTo(Map.of("p", 1));
        Map<String, Object> headers = back.headers();
        assertThat(headers.keySet()).containsExactlyElementsOf(everyType().keySet());
        everyType().forEach((key, value) -> {
            if (value instanceof byte[] bytes) {
                assertThat((byte[]) headers.get(key)).as(key).isEqualTo(bytes);
            } else {
                assertThat(headers.get(key)).as(key).isEqualTo(value);
            }
        });
    }

    /** What the first version of the store wrote, with java.io's DataOutputStream: logs on disk hold these bytes. */
    @Test
    void theBytesAreTheBigEndianFormatOfTheLog() throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(expected);
        byte[] queue = "queue".getBytes(StandardCharsets.UTF_8);
        out.writeInt(queue.length);
        out.write(queue);
        out.writeLong(-5L);
        out.writeInt(77);
        out.writeBoolean(true);
        out.writeByte(9); // CHAR
        out.writeChar('é');
        out.writeByte(5); // INT
        out.writeInt(-1);
        out.writeByte(7); // FLOAT
        out.writeFloat(0.1f);
        out.writeByte(8); // DOUBLE
        out.writeDouble(Math.PI);
        out.writeByte(4); // SHORT
        out.writeShort(-2);

        byte[] written = new Payloads.Writer(1).string("queue").longValue(-5L).intValue(77).bool(true).value('é')
                .value(-1).value(0.1f).value(Math.PI).value((short) -2).toBytes();

        assertThat(written).isEqualTo(expected.toByteArray());
    }

    @Test
    void aPayloadThatEndsEarlyOrClaimsTooMuchIsAnIoException() {
        byte[] whole = new Payloads.Writer().string("queue").longValue(1).toBytes();
        byte[] cut = Arrays.copyOf(whole, whole.length - 3);
        assertThatThrownBy(() -> {
            Payloads.Reader in = new Payloads.Reader(cut);
            in.string();
            in.longValue();
        }).isInstanceOf(IOException.class);

        byte[] lying = new Payloads.Writer().intValue(1000).toBytes(); // a length beyond the end
        assertThatThrownBy(() -> new Payloads.Reader(lying).bytes()).isInstanceOf(IOException.class)
                .hasMessageContaining("length: 1000");
        byte[] unknownTag = {99};
        assertThatThrownBy(() -> new Payloads.Reader(unknownTag).value()).isInstanceOf(IOException.class)
                .hasMessageContaining("unknown value tag 99");
    }
}
