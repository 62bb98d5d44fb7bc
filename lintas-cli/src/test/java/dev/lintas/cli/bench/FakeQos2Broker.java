package dev.lintas.cli.bench;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * A stand-in MQTT server for what Lintas does not do yet: QoS 2 both ways, and a v5 CONNACK with a Receive Maximum.
 * It routes by exact topic only, and records the most QoS 2 publishes that one client had in flight to it (received,
 * PUBCOMP not yet sent), so a test can check that the load tool respects the Receive Maximum.
 */
final class FakeQos2Broker implements AutoCloseable {

    private record Subscriber(String topic, Channel channel, AtomicInteger nextId) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final int receiveMaximum;
    private final Channel server;

    /** {@code receiveMaximum} goes into v5 CONNACKs; 0 leaves the property out. */
    FakeQos2Broker(int receiveMaximum) throws InterruptedException {
        this.receiveMaximum = receiveMaximum;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new MqttDecoder(), MqttEncoder.INSTANCE, new Connection());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    /** One client; state is its channel's event loop's. */
    private final class Connection extends SimpleChannelInboundHandler<MqttMessage> {

        private final Map<Integer, Boolean> inbound = new ConcurrentHashMap<>();
        private MqttVersion version = MqttVersion.MQTT_3_1_1;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
            switch (msg.fixedHeader().messageType()) {
                case CONNECT -> {
                    version = MqttVersion.fromProtocolNameAndLevel(
                            ((MqttConnectMessage) msg).variableHeader().name(),
                            (byte) ((MqttConnectMessage) msg).variableHeader().version());
                    MqttProperties properties = new MqttProperties();
                    if (version == MqttVersion.MQTT_5 && receiveMaximum > 0) {
                        properties.add(new MqttProperties.IntegerProperty(
                                MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value(), receiveMaximum));
                    }
                    ctx.writeAndFlush(new MqttConnAckMessage(new MqttFixedHeader(MqttMessageType.CONNACK, false,
                            MqttQoS.AT_MOST_ONCE, false, 0), new MqttConnAckVariableHeader(
                            MqttConnectReturnCode.CONNECTION_ACCEPTED, false, properties)));
                }
                case SUBSCRIBE -> {
                    MqttSubscribeMessage subscribe = (MqttSubscribeMessage) msg;
                    subscribe.payload().topicSubscriptions().forEach(t -> subscribers.add(
                            new Subscriber(t.topicFilter(), ctx.channel(), new AtomicInteger())));
                    ctx.writeAndFlush(new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false,
                            MqttQoS.AT_MOST_ONCE, false, 0), subscribe.idAndPropertiesVariableHeader(),
                            new MqttSubAckPayload(2)));
                }
                case PUBLISH -> {
                    MqttPublishMessage publish = (MqttPublishMessage) msg;
                    inbound.put(publish.variableHeader().packetId(), true);
                    maxInFlight.accumulateAndGet(inbound.size(), Math::max);
                    for (Subscriber s : subscribers) {
                        if (s.topic().equals(publish.variableHeader().topicName())) {
                            int id = s.nextId().incrementAndGet() % 65_535 + 1;
                            s.channel().writeAndFlush(new MqttPublishMessage(new MqttFixedHeader(
                                    MqttMessageType.PUBLISH, false, MqttQoS.EXACTLY_ONCE, false, 0),
                                    new MqttPublishVariableHeader(publish.variableHeader().topicName(), id),
                                    publish.payload().retainedDuplicate()));
                        }
                    }
                    reply(ctx, MqttMessageType.PUBREC, publish.variableHeader().packetId());
                }
                case PUBREL -> {
                    int id = ((MqttMessageIdVariableHeader) msg.variableHeader()).messageId();
                    inbound.remove(id);
                    reply(ctx, MqttMessageType.PUBCOMP, id);
                }
                case PUBREC -> reply(ctx, MqttMessageType.PUBREL,
                        ((MqttMessageIdVariableHeader) msg.variableHeader()).messageId());
                case PUBCOMP, DISCONNECT -> {
                    // the subscriber's last step, or the end of a client
                }
                default -> ctx.close();
            }
        }

        private void reply(ChannelHandlerContext ctx, MqttMessageType type, int id) {
            ctx.writeAndFlush(new MqttMessage(new MqttFixedHeader(type, false,
                    type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE, false, 2),
                    MqttMessageIdVariableHeader.from(id)));
        }
    }
}
