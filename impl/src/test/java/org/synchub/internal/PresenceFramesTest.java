package org.synchub.internal;

import org.junit.jupiter.api.Test;
import org.synchub.SyncMessage;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresenceEvent;
import org.synchub.spi.EnvelopeCodec;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence frames: they round-trip, crossws-style decoding ({@link EnvelopeCodec#decode}, which accepts and rejects
 * what crossws does) rejects every one of them, message envelopes are never taken for presence, and hostile or
 * mangled input never throws.
 */
class PresenceFramesTest {

    private static final SyncPresenceEvent JOIN = new SyncPresenceEvent("origin", SyncPresenceEvent.Type.JOIN,
            "room-\"1\"", new SyncMember("al\u00efce", "s1", "inst", "/chat", "{\"name\":\"Al\\u00efce\"}"), true,
            false);

    private static String text(byte[] frame) {
        return new String(frame, StandardCharsets.UTF_8);
    }

    @Test
    void roundTripsAndIsNoEnvelopeForCrossws() {
        for (SyncPresenceEvent event : new SyncPresenceEvent[] {JOIN, new SyncPresenceEvent("origin",
                SyncPresenceEvent.Type.LEAVE, "t", new SyncMember("u", "c", "i", "/", null), false, true)}) {
            String frame = text(PresenceFrames.encode("origin", event));
            assertTrue(EnvelopeCodec.decode(frame).isEmpty(), "crossws must drop it: " + frame);
            PresenceFrames.Decoded decoded = PresenceFrames.decode(frame, 1 << 20).orElseThrow();
            assertEquals("origin", decoded.origin());
            assertEquals(event, decoded.event());
        }
    }

    @Test
    void messageEnvelopesAndProbesAreNotPresence() {
        String envelope = EnvelopeCodec.encode("x", SyncMessage.text("/chat", "presence", "\"presence\":{}"), 3);
        assertTrue(PresenceFrames.decode(envelope, 1 << 20).isEmpty());
        assertTrue(PresenceFrames.decode(EnvelopeCodec.encodeProbe("x", 1), 1 << 20).isEmpty());
        String withMsg = "{\"id\":\"x\",\"presence\":{\"type\":\"join\",\"topic\":\"t\",\"user\":\"u\",\"conn\":\"c\","
                + "\"instance\":\"i\",\"ns\":\"/\"},\"msg\":{\"namespace\":\"/\",\"topic\":\"t\",\"data\":\"d\"}}";
        assertTrue(PresenceFrames.decode(withMsg, 1 << 20).isEmpty(), "a frame with a msg is a message");
        assertTrue(PresenceFrames.decode(text(PresenceFrames.encode("o", JOIN)), 20).isEmpty(), "over the limit");
    }

    @Test
    void mangledFramesNeverThrow() {
        byte[] frame = PresenceFrames.encode("origin", JOIN);
        Random random = new Random(23);
        for (int i = 0; i < 20_000; i++) {
            byte[] mangled = frame.clone();
            switch (i % 3) {
                case 0 -> mangled = java.util.Arrays.copyOf(frame, random.nextInt(frame.length));
                case 1 -> mangled[random.nextInt(mangled.length)] = (byte) random.nextInt(256);
                default -> {
                    int at = random.nextInt(mangled.length);
                    mangled[at] = (byte) "{}[]\",:0tfn\\".charAt(random.nextInt(12));
                }
            }
            String text = text(mangled);
            PresenceFrames.decode(text, 1 << 20); // must not throw
            assertTrue(EnvelopeCodec.decode(text).isEmpty() || !text.contains("\"presence\""));
        }
        StringBuilder deep = new StringBuilder("{\"id\":\"x\",\"presence\":{\"type\":");
        deep.append("[".repeat(100_000));
        assertTrue(PresenceFrames.decode(deep.toString(), 1 << 20).isEmpty());
    }
}
