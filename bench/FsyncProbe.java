import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * bench/durable.sh's raw fsync probe: appends a 64-byte record to a file in the directory given and forces it to
 * disk (FileChannel.force(false), fdatasync, what the store's writer calls), one record per fsync, for the seconds
 * given. It prints one tab-separated line: fsyncs per second and the p50 and p99 time of one write + fsync. That rate
 * is the physical limit of a broker that fsyncs once per message. Run with the single-file source launcher:
 * {@code java bench/FsyncProbe.java DIR SECONDS}.
 */
public final class FsyncProbe {

    public static void main(String[] args) throws IOException {
        Path file = Files.createTempFile(Path.of(args[0]), "fsync-probe", ".dat");
        long seconds = Long.parseLong(args[1]);
        long[] times = new long[1 << 16];
        int count = 0;
        ByteBuffer record = ByteBuffer.allocateDirect(64);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long now = System.nanoTime();
            while (now < end) {
                record.clear();
                record.putLong(0, count);
                channel.write(record);
                channel.force(false);
                long done = System.nanoTime();
                if (count == times.length) {
                    times = Arrays.copyOf(times, times.length * 2);
                }
                times[count++] = done - now;
                now = done;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        long[] sorted = Arrays.copyOf(times, count);
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "fsyncs=%d\tper_s=%.1f\tp50_us=%.1f\tp99_us=%.1f%n", count,
                count / (double) seconds, sorted[count / 2] / 1000.0, sorted[(int) (count * 0.99)] / 1000.0);
    }
}
