package org.synchub.driver.host;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Framing round trip: whatever the chunk size and however reads split the stream, the frames come back whole. */
class FramesTest {

    @Test
    void packedFramesReadBackWholeWhateverTheSplits() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 300; round++) {
            List<byte[]> bodies = new ArrayList<>();
            for (int i = random.nextInt(20); i >= 0; i--) {
                byte[] body = new byte[random.nextInt(random.nextBoolean() ? 16 : 3000)];
                random.nextBytes(body);
                bodies.add(body);
            }
            int chunkBytes = 1 + random.nextInt(8000);
            List<Frames.Chunk> chunks = Frames.pack(bodies, chunkBytes);
            ByteBuffer stream = ByteBuffer.allocate(bodies.stream().mapToInt(b -> b.length + 4).sum());
            int frames = 0;
            for (Frames.Chunk chunk : chunks) {
                frames += chunk.frames();
                assertTrue(chunk.frames() == 1 || chunk.bytes().remaining() <= chunkBytes, "seed " + seed);
                stream.put(chunk.bytes().duplicate());
            }
            assertEquals(bodies.size(), frames, "seed " + seed);
            stream.flip();

            Frames.Reader reader = new Frames.Reader(3000);
            List<byte[]> read = new ArrayList<>();
            while (stream.hasRemaining()) {
                int n = Math.min(stream.remaining(), 1 + random.nextInt(600));
                ByteBuffer piece = stream.slice(stream.position(), n);
                stream.position(stream.position() + n);
                assertEquals(0, reader.feed(piece, read::add), "seed " + seed);
            }
            assertEquals(bodies.size(), read.size(), "seed " + seed);
            for (int i = 0; i < bodies.size(); i++) {
                assertArrayEquals(bodies.get(i), read.get(i), "seed " + seed + ", frame " + i);
            }
        }
    }

    @Test
    void aHeaderOverTheLimitIsRefusedBeforeItsBody() {
        Frames.Reader reader = new Frames.Reader(1024);
        List<byte[]> read = new ArrayList<>();
        ByteBuffer in = ByteBuffer.allocate(8).putInt(-1).putInt(0).flip();
        assertEquals(4294967295L, reader.feed(in, read::add));
        assertTrue(read.isEmpty());
        assertEquals(0, reader.feed(ByteBuffer.allocate(4).putInt(1024).flip(), read::add), "exactly the limit");
    }
}
