package org.synchub.spi;

import org.junit.jupiter.api.Test;
import org.synchub.SyncMessage;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The byte forms of the codec ({@link EnvelopeCodec#encodeUtf8}, {@link EnvelopeCodec#decodeUtf8}) against the text
 * forms they shortcut: the same bytes out, the same envelope in, for random text (non-ASCII and unpaired surrogates
 * included) and for random, often invalid, UTF-8.
 */
class EnvelopeCodecUtf8Test {

    private static final String[] PIECES = {"a", "Z", " ", "é", "€", "😀", "\uD800", "\uDC00", "\"", "\\", "\n",
        "\u0000", "\u007f", "\u0080", "\u2028"};

    private static String text(Random random, int max) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(max);
        for (int i = 0; i < n; i++) {
            s.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return s.toString();
    }

    private static SyncMessage message(Random random) {
        if (random.nextInt(4) == 0) {
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            return SyncMessage.binary(text(random, 4), text(random, 6), bytes);
        }
        return SyncMessage.text(text(random, 4), text(random, 6), text(random, 300));
    }

    @Test
    void encodeUtf8IsTheUtf8OfEncode() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 3_000; round++) {
            String id = random.nextBoolean() ? "3f2a-" + round : text(random, 8);
            SyncMessage message = message(random);
            long seq = random.nextInt(3) - 1L;
            String text = seq < 0 ? EnvelopeCodec.encode(id, message) : EnvelopeCodec.encode(id, message, seq);
            assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), EnvelopeCodec.encodeUtf8(id, message, seq),
                    "seed " + seed + ", round " + round);
        }
        assertThrows(IllegalArgumentException.class,
                () -> EnvelopeCodec.encodeUtf8("a", SyncMessage.text("", "t", "x"), -2));
    }

    @Test
    void decodeUtf8DecodesWhatDecodeDecodesFromTheText() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 3_000; round++) {
            byte[] frame;
            switch (random.nextInt(3)) {
                case 0 -> frame = EnvelopeCodec.encodeUtf8("other", message(random), random.nextInt(1000));
                case 1 -> {
                    // a valid envelope with some bytes flipped: invalid UTF-8, broken JSON, or still valid
                    frame = EnvelopeCodec.encodeUtf8("other", message(random), 5);
                    for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                        frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
                    }
                }
                default -> {
                    frame = new byte[random.nextInt(60)];
                    random.nextBytes(frame);
                }
            }
            int max = random.nextBoolean() ? EnvelopeCodec.DEFAULT_MAX_CHARS : random.nextInt(400);
            String what = "seed " + seed + ", round " + round;
            Optional<Envelope> expected = frame.length > max ? Optional.empty()
                    : EnvelopeCodec.decode(new String(frame, StandardCharsets.UTF_8), max);
            assertEquals(expected, EnvelopeCodec.decodeUtf8(frame, max), what);
        }
        assertTrue(EnvelopeCodec.decodeUtf8(null, 100).isEmpty());
    }

    @Test
    void decodeUtf8RejectsAFrameOverTheLimitInBytesUnparsed() {
        byte[] frame = EnvelopeCodec.encodeUtf8("other", SyncMessage.text("", "t", "héllo"), 1);
        assertTrue(EnvelopeCodec.decodeUtf8(frame, frame.length).isPresent());
        assertTrue(EnvelopeCodec.decodeUtf8(frame, frame.length - 1).isEmpty());
    }
}
