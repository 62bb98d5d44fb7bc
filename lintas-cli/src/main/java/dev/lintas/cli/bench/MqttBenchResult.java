package dev.lintas.cli.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * The figures of one run: counts, rates and the merged latency histogram, printed for people ({@link #printText}) or
 * as one line of tab-separated {@code name=value} fields for scripts ({@link #printTsv}).
 *
 * <p>The two rates are over the measured phase. When every publisher sent its {@code --count} before the phase's
 * time was up, that phase ends with the last measured publish, and the received rate is the measured messages over
 * the time until the last of them arrived. Otherwise it lasted its set duration, and the received rate is what the
 * server delivered during it: flat out, a server may still be delivering a backlog of the warm-up, and what it
 * delivers is its throughput all the same.
 *
 * @param sent           measured messages published
 * @param delivered      messages the received rate counts, all subscribers together
 * @param received       distinct measured messages that arrived by the end of the drain timeout
 * @param expected       measured messages the subscribers should have received: each subscriber counts every
 *                       measured message of every publisher whose topic it subscribed to
 * @param unacknowledged QoS 1 and 2 publishes without an acknowledgement when the run ended
 * @param downgraded     subscribers granted a lower QoS than asked
 */
record MqttBenchResult(MqttBenchPlan plan, long sent, long warmupSent, double sendSeconds, long delivered,
        double receiveSeconds, long received, long expected, long duplicates, long foreign, long unacknowledged,
        long refused, int downgraded, Histogram latency, List<String> errors) {

    static MqttBenchResult failed(MqttBenchPlan plan, List<String> errors) {
        return new MqttBenchResult(plan, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Histogram(3), List.copyOf(errors));
    }

    static MqttBenchResult of(MqttBenchPlan plan, BenchPublisher.RunClock clock, List<BenchPublisher.Result> sent,
            List<BenchSubscriber.Snapshot> received, List<String> errors) {
        long measured = 0;
        long warmup = 0;
        long unacked = 0;
        long refused = 0;
        long lastSend = clock.measureStartNanos();
        boolean counted = plan.count() > 0;
        for (BenchPublisher.Result r : sent) {
            counted &= r.measuredSent() >= plan.count();
            measured += r.measuredSent();
            warmup += r.warmupSent();
            unacked += r.unacknowledged();
            refused += r.refusedAcks();
            if (r.measuredSent() > 0) {
                lastSend = Math.max(lastSend, r.lastMeasuredNanos());
            }
        }
        long expected = 0;
        for (int s = 0; s < received.size(); s++) {
            for (BenchPublisher.Result r : sent) {
                expected += plan.receives(s, r.index()) ? r.measuredSent() : 0;
            }
        }
        Histogram latency = new Histogram(3);
        long got = 0;
        long inWindow = 0;
        long duplicates = 0;
        long foreign = 0;
        int downgraded = 0;
        long lastReceive = clock.measureStartNanos();
        for (BenchSubscriber.Snapshot s : received) {
            latency.add(s.tally().latency());
            got += s.tally().measured();
            inWindow += s.tally().inWindow();
            duplicates += s.tally().duplicates();
            foreign += s.tally().foreign();
            if (s.tally().measured() > 0) {
                lastReceive = Math.max(lastReceive, s.tally().lastNanos());
            }
            downgraded += s.grantedQos() < plan.qos().value() ? 1 : 0;
        }
        double phase = plan.duration().toNanos() / 1e9;
        return new MqttBenchResult(plan, measured, warmup,
                counted ? (lastSend - clock.measureStartNanos()) / 1e9 : phase,
                counted ? got : inWindow,
                counted ? (lastReceive - clock.measureStartNanos()) / 1e9 : phase,
                got, expected, duplicates, foreign, unacked, refused, downgraded, latency, List.copyOf(errors));
    }

    /** Measured messages that had not arrived when the drain timeout ended: lost, or still queued. */
    long lost() {
        return Math.max(0, expected - received);
    }

    double sentPerSecond() {
        return sendSeconds > 0 ? sent / sendSeconds : 0;
    }

    double receivedPerSecond() {
        return receiveSeconds > 0 ? delivered / receiveSeconds : 0;
    }

    /** A latency percentile in microseconds, or 0 with no samples. */
    double percentileMicros(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1e3;
    }

    double maxMicros() {
        return latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1e3;
    }

    void printText(PrintWriter out) {
        out.println("lintas bench mqtt: " + plan.describe());
        if (!errors.isEmpty()) {
            out.println("errors:");
            errors.forEach(e -> out.println("  " + e));
        }
        out.printf(Locale.ROOT, "sent      %,d msgs in %.2f s = %,.0f msgs/s (and %,d during the warm-up)%n", sent,
                sendSeconds, sentPerSecond(), warmupSent);
        out.printf(Locale.ROOT, "received  %,d msgs in %.2f s = %,.0f msgs/s, all subscribers together%n", delivered,
                receiveSeconds, receivedPerSecond());
        out.printf(Locale.ROOT, "arrived   %,d of %,d measured msgs: lost %,d (or still queued at the end), "
                + "duplicates %,d%n", received, expected, lost(), duplicates);
        if (latency.getTotalCount() > 0) {
            out.printf(Locale.ROOT, "latency   p50 %s  p90 %s  p99 %s  p99.9 %s  max %s (publish to receive)%n",
                    ms(percentileMicros(50)), ms(percentileMicros(90)), ms(percentileMicros(99)),
                    ms(percentileMicros(99.9)), ms(maxMicros()));
        }
        if (unacknowledged > 0 || refused > 0) {
            out.printf(Locale.ROOT, "acks      %,d publishes unacknowledged at the end, %,d refused (v5 reason >= "
                    + "0x80)%n", unacknowledged, refused);
        }
        if (downgraded > 0) {
            out.println("note      " + downgraded + " subscriber(s) were granted a lower QoS than "
                    + plan.qos().value());
        }
        if (foreign > 0) {
            out.printf(Locale.ROOT, "note      %,d messages on these topics were not this run's%n", foreign);
        }
        out.flush();
    }

    /** One line: {@code name=value} fields separated by tabs, latencies in microseconds. */
    void printTsv(PrintWriter out) {
        out.printf(Locale.ROOT, "sent=%d\tsent_per_s=%.1f\tdelivered=%d\treceived_per_s=%.1f\treceived=%d"
                + "\texpected=%d\tlost=%d\tduplicates=%d\tp50_us=%.1f\tp90_us=%.1f\tp99_us=%.1f\tp999_us=%.1f"
                + "\tmax_us=%.1f\tunacked=%d\terrors=%d%n", sent, sentPerSecond(), delivered, receivedPerSecond(),
                received, expected, lost(), duplicates, percentileMicros(50), percentileMicros(90),
                percentileMicros(99), percentileMicros(99.9), maxMicros(), unacknowledged, errors.size());
        out.flush();
    }

    private static String ms(double micros) {
        return String.format(Locale.ROOT, "%.3f ms", micros / 1e3);
    }
}
