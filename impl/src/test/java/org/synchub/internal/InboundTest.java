package org.synchub.internal;

import org.junit.jupiter.api.Test;
import org.synchub.SyncMessage;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.RecordingHub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The inbound frame limit, for text and byte frames, as a property over random text around the limit. */
class InboundTest {

    private static final int LIMIT = 2048;
    private static final String[] PIECES = {"a", "é", "€", "😀", "\uD800", "\uDC00", "\"", "\\"};

    @Test
    void framesOverTheLimitAreMalformedAndTheRestAreDecoded() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 2_000; round++) {
            // an envelope whose UTF-8 length lands near the limit
            StringBuilder data = new StringBuilder();
            int target = LIMIT - 120 + random.nextInt(200);
            while (data.toString().getBytes(StandardCharsets.UTF_8).length < target - 60) {
                data.append(PIECES[random.nextInt(PIECES.length)]);
            }
            String frame = EnvelopeCodec.encode("other", SyncMessage.text("", "t", data.toString()));
            byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
            boolean fits = bytes.length <= LIMIT;
            boolean asBytes = random.nextBoolean();

            RecordingContext context = new RecordingContext().maxFrameBytes(LIMIT);
            List<SyncMessage> got = new ArrayList<>();
            Inbound inbound = new Inbound(RecordingHub.of(context), LIMIT, got::add, new GapTracker(), t -> 0);
            inbound.start();
            inbound.frame(asBytes ? bytes : frame.getBytes(StandardCharsets.UTF_8));
            String what = "seed " + seed + ", round " + round + ": a frame of " + bytes.length + " bytes given as "
                    + (asBytes ? "bytes" : "text");
            assertEquals(fits ? 0 : 1, context.malformed(), what);
            assertEquals(fits ? 1 : 0, got.size(), what);
            if (!fits) {
                String why = context.failures().get(0).cause().getMessage();
                assertEquals(true, why.contains(bytes.length + " bytes") || !asBytes, what + ": " + why);
                assertEquals(true, why.contains("synchub.frame.max-bytes=" + LIMIT), what + ": " + why);
            }
        }
    }

    @Test
    void utf8LengthMatchesTheEncoder() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 5_000; round++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(40);
            for (int i = 0; i < n; i++) {
                s.append(PIECES[random.nextInt(PIECES.length)]);
            }
            int exact = s.toString().getBytes(StandardCharsets.UTF_8).length;
            assertEquals(exact, Utf8.lengthAbove(s, Long.MAX_VALUE), "seed " + seed + ": " + s);
            long limit = random.nextInt(100);
            long got = Utf8.lengthAbove(s, limit);
            assertEquals(exact > limit, got > limit, "seed " + seed + ", limit " + limit + ": " + s);
        }
    }
}
