package org.synchub.driver.host;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The host mesh's wire framing: each frame is a 4-byte big-endian length and that many bytes of UTF-8 envelope.
 * {@link #pack} lays outgoing envelopes out as frames in shared chunks (publishing thread); a {@link Reader}
 * reassembles incoming frames from whatever pieces a non-blocking read returns (mesh thread, one per connection).
 * Stateless apart from each reader's own buffers.
 */
final class Frames {

    /** The length prefix of a frame, in bytes. */
    static final int HEADER_BYTES = 4;

    private Frames() {
    }

    /** A run of whole frames in one buffer, shared read-only by every peer (each gets its own duplicate). */
    record Chunk(ByteBuffer bytes, int frames) {
    }

    /**
     * Packs {@code bodies} into length-prefixed frames, in chunks of up to {@code chunkBytes} (a single larger
     * frame gets a chunk of its own).
     *
     * @param bodies     encoded envelopes, in order
     * @param chunkBytes the size a chunk should not exceed
     * @return read-only chunks holding every body, in order
     */
    static List<Chunk> pack(List<byte[]> bodies, int chunkBytes) {
        List<Chunk> chunks = new ArrayList<>(1);
        int from = 0;
        while (from < bodies.size()) {
            int to = from;
            long size = 0;
            while (to < bodies.size() && (to == from || size + HEADER_BYTES + bodies.get(to).length <= chunkBytes)) {
                size += HEADER_BYTES + bodies.get(to).length;
                to++;
            }
            ByteBuffer chunk = ByteBuffer.allocate((int) size);
            for (int i = from; i < to; i++) {
                chunk.putInt(bodies.get(i).length).put(bodies.get(i));
            }
            chunks.add(new Chunk(chunk.flip().asReadOnlyBuffer(), to - from));
            from = to;
        }
        return chunks;
    }

    /**
     * Reassembles the frames of one inbound stream. Not thread-safe: used by the mesh thread only. A header
     * announcing more than the limit is refused before anything is allocated for it.
     */
    static final class Reader {
        private final int maxFrameBytes;
        private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        private ByteBuffer body;

        /** @param maxFrameBytes the largest frame accepted, in bytes */
        Reader(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
        }

        /**
         * Consumes all of {@code in}, handing every completed frame to {@code sink}.
         *
         * @param in   bytes just read
         * @param sink takes a frame's body; returns false to stop reading (the connection was closed)
         * @return 0, or the length a header announced when it is over the limit (reading stopped there: the
         *         stream cannot be trusted any more)
         */
        long feed(ByteBuffer in, Predicate<byte[]> sink) {
            while (in.hasRemaining()) {
                if (body == null) {
                    move(in, header);
                    if (header.hasRemaining()) {
                        return 0;
                    }
                    long length = Integer.toUnsignedLong(header.getInt(0));
                    header.clear();
                    if (length > maxFrameBytes) {
                        return length;
                    }
                    body = ByteBuffer.allocate((int) length);
                }
                move(in, body);
                if (body.hasRemaining()) {
                    return 0;
                }
                byte[] frame = body.array();
                body = null;
                if (!sink.test(frame)) {
                    return 0;
                }
            }
            return 0;
        }

        /** Forgets a partly read frame. */
        void reset() {
            body = null;
            header.clear();
        }

        private static void move(ByteBuffer from, ByteBuffer to) {
            int n = Math.min(from.remaining(), to.remaining());
            if (n > 0) {
                to.put(to.position(), from, from.position(), n);
                to.position(to.position() + n);
                from.position(from.position() + n);
            }
        }
    }
}
