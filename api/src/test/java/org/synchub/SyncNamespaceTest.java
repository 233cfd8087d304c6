package org.synchub;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SyncNamespace#pathname(String)} computes what Node.js computes: the expected values in
 * {@code namespace/vectors.json} were produced by real Node.js running {@code namespace/gen-vectors.mjs}
 * ({@code new URL("http://h" + target).pathname}, as crossws derives a namespace). CI needs no Node.
 */
class SyncNamespaceTest {

    private static JsonObject vectors() throws Exception {
        try (InputStream in = SyncNamespaceTest.class.getResourceAsStream("/namespace/vectors.json")) {
            assertTrue(in != null, "test resource namespace/vectors.json is missing");
            return Json.createReader(in).readObject();
        }
    }

    @Test
    void handPickedTargetsGiveNodesPathname() throws Exception {
        List<JsonObject> fixed = vectors().getJsonArray("fixed").getValuesAs(JsonObject.class);
        assertTrue(fixed.size() > 100, "vectors.json holds the hand-picked targets");
        for (JsonObject v : fixed) {
            String target = v.getString("target");
            assertEquals(v.getString("pathname"), SyncNamespace.pathname(target), "target " + show(target));
        }
    }

    @Test
    void seededRandomTargetsGiveNodesPathname() throws Exception {
        JsonObject all = vectors();
        List<JsonObject> random = all.getJsonArray("random").getValuesAs(JsonObject.class);
        assertEquals(2000, random.size(), "vectors.json holds the seeded random targets");
        for (int i = 0; i < random.size(); i++) {
            String target = random.get(i).getString("target");
            assertEquals(random.get(i).getString("pathname"), SyncNamespace.pathname(target),
                    "random target #" + i + " (gen-vectors.mjs seed " + all.getInt("seed") + "): " + show(target));
        }
    }

    /**
     * Properties over paths drawn from a character soup: a pathname is its own pathname (a container that hands over
     * an already normalised path changes nothing), and a path whose non-ASCII characters were decoded by the
     * container gives the same namespace as the path the client sent (them percent-encoded as UTF-8).
     */
    @Test
    void normalisingIsIdempotentAndIndifferentToDecodedNonAscii() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String[] soup = {"/", "/", "\\", ".", "..", "%2e", "%2E", "%", "%20", "%2F", "%C3%A9", "%zz", "a", "Z", "9",
            "-", "~", " ", "\"", "<", ">", "`", "{", "}", "|", "^", "[", "]", "'", ";", "=", "+", ":", "@", "\t",
            "\u0000", "\u007f", "\u00e9", "\u4e2d", "\ud83d\ude00", "\ud800", "\udbff\udfff", "\ufeff"};
        for (int n = 0; n < 5000; n++) {
            StringBuilder target = new StringBuilder("/");
            for (int k = random.nextInt(20); k > 0; k--) {
                target.append(soup[random.nextInt(soup.length)]);
            }
            String path = target.toString();
            String once = SyncNamespace.pathname(path);
            String context = "seed " + seed + ", path " + show(path);
            assertTrue(once.startsWith("/"), context);
            assertFalse(once.chars().anyMatch(c -> c <= 0x20 || c > 0x7E), "only printable ASCII: " + context);
            assertEquals(once, SyncNamespace.pathname(once), "idempotent: " + context);
            assertEquals(once, SyncNamespace.pathname(encodeNonAscii(path)), "decoded non-ASCII: " + context);
        }
    }

    @Test
    void aNullTargetIsRejectedWithAMessage() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> SyncNamespace.pathname(null));
        assertTrue(e.getMessage().contains("target"), e.getMessage());
    }

    /** What a client sends for {@code path}: every non-ASCII code point as UTF-8 percent escapes. */
    private static String encodeNonAscii(String path) {
        StringBuilder out = new StringBuilder();
        path.codePoints().forEach(c -> {
            if (c < 0x80) {
                out.appendCodePoint(c);
            } else {
                String s = c <= 0xFFFF && Character.isSurrogate((char) c) ? "\ufffd" : Character.toString(c);
                for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(String.format("%02X", b & 0xFF));
                }
            }
        });
        return out.toString();
    }

    /** {@code s} with controls and non-ASCII shown as {@code \\uXXXX}, for failure messages. */
    private static String show(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : (s.length() > 200 ? s.substring(0, 200) + "…" : s).toCharArray()) {
            out.append(c < 0x20 || c > 0x7E ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.append('"').toString();
    }
}
