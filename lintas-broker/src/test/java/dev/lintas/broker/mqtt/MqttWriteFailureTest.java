package dev.lintas.broker.mqtt;

import static dev.lintas.broker.mqtt.RawMqttClient.PINGRESP;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBACK;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBCOMP;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBLISH;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREC;
import static dev.lintas.broker.mqtt.RawMqttClient.PUBREL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lintas.broker.auth.AuthConfig;
import dev.lintas.broker.auth.Authenticator;
import dev.lintas.broker.core.QueueJournal;
import dev.lintas.broker.core.VirtualHost;
import dev.lintas.broker.store.Disk;
import dev.lintas.broker.store.DurableStore;
import dev.lintas.broker.store.FsyncPolicy;
import dev.lintas.broker.store.SegmentIo;
import dev.lintas.broker.store.StoreOptions;
import dev.lintas.runtime.RuntimeContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (an injected write failure) under a real MQTT listener: a PUBLISH the store cannot write is refused and
 * never acknowledged (MQTT 5: PUBACK or PUBREC 0x97; MQTT 3.1.1: the connection closes), the broker keeps serving the
 * same connection, publishes are acknowledged again once there is room, and nothing acknowledged is lost.
 */
class MqttWriteFailureTest {

    @TempDir
    Path dir;
    private final Disk disk = new Disk();
    private final RuntimeContext context = new RuntimeContext(2);
    private DurableStore store;
    private Channel listener;

    @AfterEach
    void close() {
        stop();
        context.close();
    }

    private void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
            listener = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }

    /** Starts the broker as {@code Broker} does, over a store whose segment files are {@code opener}'s; the port. */
    private int start(SegmentIo.Opener opener) throws IOException {
        store = DurableStore.open(dir, StoreOptions.of(FsyncPolicy.ALWAYS).withOpener(opener));
        MqttDrops drops = new MqttDrops(QueueJournal.NONE);
        VirtualHost host = new VirtualHost("/", System::currentTimeMillis, drops, store);
        store.recovery().restore(host);
        MqttBroker mqtt = new MqttBroker(host, System::currentTimeMillis, MqttSettings.DEFAULTS, drops,
                new Authenticator(AuthConfig.DEFAULTS, Runnable::run), store);
        mqtt.restore(context.loops().next());
        listener = new ServerBootstrap().group(context.loops()).channel(context.transport().serverChannel())
                .childHandler(new MqttInitializer(mqtt, MqttSettings.DEFAULTS,
                        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)))
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Publishes and returns the reason code of the PUBACK or PUBREC; completes an accepted QoS 2 exchange. */
    private static int publish(RawMqttClient client, int qos, int packetId, String payload) throws IOException {
        client.publish("full/x", qos, packetId, false, payload);
        RawMqttClient.Packet reply = client.read();
        assertThat(reply.type()).isEqualTo(qos == 1 ? PUBACK : PUBREC);
        assertThat(reply.packetId()).isEqualTo(packetId);
        if (qos == 2 && reply.reasonCode() == 0) {
            client.reply(PUBREL, packetId);
            assertThat(client.read().type()).isEqualTo(PUBCOMP);
        }
        return reply.reasonCode();
    }

    /**
     * PUBREL goes out only once the client's PUBREC is on disk: were it sent earlier, a crash could bring the id back
     * as unanswered, and the PUBLISH re-sent after the PUBREL would be a second delivery [MQTT-4.3.3-6].
     */
    @Test
    void aPubrelWaitsForThePubrecToBeOnDisk() throws Exception {
        int port = start(disk);
        try (RawMqttClient sub = RawMqttClient.connect(port, "rel-sub", true, true, 300, 0)) {
            assertThat(sub.subscribeAndWait(1, "full/#", 2)).isEqualTo(2);
            try (RawMqttClient pub = RawMqttClient.connect(port, "rel-pub", true, true, 0, 0)) {
                assertThat(publish(pub, 2, 1, "m")).isZero();
            }
            RawMqttClient.Packet publish = sub.read();
            assertThat(publish.type()).isEqualTo(PUBLISH);
            disk.full.set(true);
            sub.reply(PUBREC, publish.publishId());
            List<Integer> after = new ArrayList<>();
            try {
                while (true) {
                    after.add(sub.read().type());
                }
            } catch (java.io.EOFException closed) {
                // The PUBREC could not be stored: no PUBREL, and the connection ends.
            }
            assertThat(after).doesNotContain(PUBREL);
            disk.full.set(false);
            try (RawMqttClient again = RawMqttClient.connect(port, "rel-sub", true, false, 300, 0)) {
                RawMqttClient.Packet next = again.read();
                assertThat(next.type()).as("the id awaits PUBCOMP: PUBREL, not the PUBLISH again").isEqualTo(PUBREL);
                assertThat(next.packetId()).isEqualTo(publish.publishId());
                again.reply(PUBCOMP, next.packetId());
            }
        }
    }

    @Test
    void publishesAreRefusedWhileTheDiskIsFullAndNothingAcknowledgedIsLost() throws Exception {
        int port = start(disk);
        try (RawMqttClient sub = RawMqttClient.connect(port, "full-sub", true, true, 300, 0)) {
            assertThat(sub.subscribeAndWait(1, "full/#", 1)).isEqualTo(1);
        }
        List<String> acknowledged = new ArrayList<>();
        try (RawMqttClient pub = RawMqttClient.connect(port, "full-pub", true, true, 300, 0);
                RawMqttClient v3 = RawMqttClient.connect(port, "full-v3", false, true, 0, 0)) {
            for (int i = 1; i <= 4; i++) {
                assertThat(publish(pub, i % 2 + 1, i, "before-" + i)).isZero();
                acknowledged.add("before-" + i);
            }

            disk.full.set(true);
            assertThat(publish(pub, 1, 10, "while-full")).isEqualTo(0x97);
            assertThat(publish(pub, 2, 11, "while-full-2")).isEqualTo(0x97);
            pub.ping();
            assertThat(pub.read().type()).as("the connection goes on").isEqualTo(PINGRESP);
            v3.publish("full/x", 1, 12, false, "while-full-v3");
            assertThat(v3.closedByBroker()).as("3.1.1 has no negative PUBACK: the connection closes").isTrue();
            assertThat(store.failedWrites()).isPositive();

            disk.full.set(false);
            assertThat(publish(pub, 1, 13, "after")).isZero();
            acknowledged.add("after");
            // The refused QoS 2 id was forgotten: the client's re-send is published this time.
            assertThat(publish(pub, 2, 11, "while-full-2")).isZero();
            acknowledged.add("while-full-2");
        }
        stop();

        port = start(SegmentIo.FILES);
        List<String> back = new ArrayList<>();
        try (RawMqttClient sub = RawMqttClient.connect(port, "full-sub", true, false, 300, 0);
                RawMqttClient marker = RawMqttClient.connect(port, "full-marker", true, true, 0, 0)) {
            assertThat(sub.sessionPresent()).isTrue();
            assertThat(publish(marker, 1, 1, "marker")).isZero();
            for (String payload = ""; !payload.equals("marker");) {
                RawMqttClient.Packet packet = sub.read();
                assertThat(packet.type()).isEqualTo(PUBLISH);
                payload = packet.payload(true);
                back.add(payload);
                sub.reply(PUBACK, packet.publishId());
            }
        }
        assertThat(back).containsAll(acknowledged);
    }
}
