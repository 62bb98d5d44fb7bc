package dev.lintas.broker.mqtt;

import dev.lintas.broker.core.Message;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.VirtualHost;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The outgoing PUBLISH, as built for each subscriber of one message. */
class PublishEncoderTest {

    @Test
    void everySubscriberGetsAViewOfTheMessagesOwnPayloadArrayNotACopy() {
        VirtualHost host = new VirtualHost("/", System::currentTimeMillis, QueueJournal.NONE);
        byte[] payload = "one array for all".getBytes(StandardCharsets.UTF_8);
        Message message = host.message("amq.topic", "fan.out").payload(payload).build();

        for (boolean v5 : List.of(false, true, true)) {
            PublishEncoder encoder = new PublishEncoder(v5, new TopicAliases(0, 0), PacketSizes.UNLIMITED);
            MqttPublishMessage publish = encoder.encode("fan/out", 0, false, false, message, Long.MAX_VALUE,
                    System.currentTimeMillis(), List.of(), () -> 1);
            try {
                assertThat(publish.payload().hasArray()).isTrue();
                assertThat(publish.payload().array()).isSameAs(payload);
                assertThat(publish.payload().readableBytes()).isEqualTo(payload.length);
            } finally {
                publish.release();
            }
        }
    }
}
