package dev.lintas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * QoS 2 both ways, and a v5 server's Receive Maximum capping the in-flight window, against {@link FakeQos2Broker}
 * (Lintas grants at most QoS 1 so far).
 */
class MqttBenchQos2Test {

    private static String bench(int port, String... options) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = new String[options.length + 10];
        System.arraycopy(new String[] {"--port", String.valueOf(port), "--warmup", "0", "--threads", "1",
            "--drain-timeout", "20s", "--format", "tsv"}, 0, args, 0, 10);
        System.arraycopy(options, 0, args, 10, options.length);
        int code = new CommandLine(new MqttBenchCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        assertThat(code).as(out + err.toString()).isZero();
        return out.toString();
    }

    @Test
    void qos2OverMqtt5DeliversEveryMessageOnceAndKeepsToTheServersReceiveMaximum() throws Exception {
        try (FakeQos2Broker broker = new FakeQos2Broker(5)) {
            String tsv = bench(broker.port(), "--mqtt-version", "5", "--qos", "2", "--publishers", "2",
                    "--subscribers", "2", "--topics", "shared", "--count", "300", "--inflight", "64");

            assertThat(tsv).startsWith("sent=600\t").contains("\treceived=1200\t")
                    .contains("\texpected=1200\t").contains("\tlost=0\t").contains("\tduplicates=0\t")
                    .contains("\tunacked=0\t").contains("\terrors=0");
            assertThat(broker.maxInFlight()).isBetween(1, 5);
        }
    }

    @Test
    void qos2OverMqtt311DeliversEveryMessageWithinTheInFlightWindow() throws Exception {
        try (FakeQos2Broker broker = new FakeQos2Broker(5)) {
            String tsv = bench(broker.port(), "--qos", "2", "--count", "500", "--inflight", "16");

            assertThat(tsv).startsWith("sent=500\t").contains("\treceived=500\t").contains("\tlost=0\t")
                    .contains("\tunacked=0\t").contains("\terrors=0");
            assertThat(broker.maxInFlight()).isBetween(1, 16);
        }
    }
}
