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

    /**
     * A PUBLISH that will be written after others encoded later (a QoS 2 one waiting for its packet id's record) must
     * neither use nor set a Topic Alias: the next one to the topic sets the alias itself, with the topic name.
     */
    @Test
    void aPublishThatMayNotAliasCarriesItsTopicNameAndLeavesTheAliasesAlone() {
        VirtualHost host = new VirtualHost("/", System::currentTimeMillis, QueueJournal.NONE);
        Message message = host.message("amq.topic", "a.b").payload(new byte[] {1}).build();
        PublishEncoder encoder = new PublishEncoder(true, new TopicAliases(0, 10), PacketSizes.UNLIMITED);
        long now = System.currentTimeMillis();

        MqttPublishMessage waiting = encoder.encode("a/b", 2, false, false, message, Long.MAX_VALUE, now, List.of(),
                () -> 1, false);
        MqttPublishMessage next = encoder.encode("a/b", 1, false, false, message, Long.MAX_VALUE, now, List.of(),
                () -> 2);
        MqttPublishMessage third = encoder.encode("a/b", 1, false, false, message, Long.MAX_VALUE, now, List.of(),
                () -> 3);
        try {
            assertThat(waiting.variableHeader().topicName()).isEqualTo("a/b");
            assertThat(waiting.variableHeader().properties().getProperty(TOPIC_ALIAS)).isNull();
            assertThat(next.variableHeader().topicName()).as("sets the alias: the topic name goes with it")
                    .isEqualTo("a/b");
            assertThat(next.variableHeader().properties().getProperty(TOPIC_ALIAS).value()).isEqualTo(1);
            assertThat(third.variableHeader().topicName()).as("uses the alias").isEmpty();
            assertThat(third.variableHeader().properties().getProperty(TOPIC_ALIAS).value()).isEqualTo(1);
        } finally {
            waiting.release();
            next.release();
            third.release();
        }
    }

    private static final int TOPIC_ALIAS = io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.TOPIC_ALIAS
            .value();
}
