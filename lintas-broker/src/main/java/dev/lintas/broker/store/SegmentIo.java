package dev.lintas.broker.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The writer's handle on the segment it appends to: the few file operations it needs, so that tests can make them
 * fail as a full disk would.
 */
public interface SegmentIo extends Closeable {

    /** Opens a segment file, creating it, for appending. */
    @FunctionalInterface
    interface Opener {
        SegmentIo open(Path file) throws IOException;
    }

    Opener FILES = file -> {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.position(channel.size());
        return new SegmentIo() {
            @Override
            public void write(ByteBuffer buffer) throws IOException {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }

            @Override
            public void force() throws IOException {
                channel.force(false);
            }

            @Override
            public void truncate(long size) throws IOException {
                channel.truncate(size);
                channel.position(size);
            }

            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    };

    /** Writes the whole buffer. */
    void write(ByteBuffer buffer) throws IOException;

    /** Forces what was written to the disk (fsync, without metadata that reading it back does not need). */
    void force() throws IOException;

    void truncate(long size) throws IOException;

    long size() throws IOException;
}
