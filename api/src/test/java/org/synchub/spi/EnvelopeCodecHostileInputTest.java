package org.synchub.spi;

import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.synchub.SyncMessage;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input a hostile or broken peer can put on a backplane: {@link EnvelopeCodec#decode} must return (fast), never throw,
 * and reject what is not an envelope. Random tests are seeded; a failure names its seed and frame.
 */
class EnvelopeCodecHostileInputTest {

    /** The frame that hung the listener thread (Parsson's skipArray never returns at end of input). */
    private static final String HANGING_FRAME = "{\"id\":\"x\",\"msg\":[";

    /** Looked up once: {@code Json.*} looks the provider up on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** For one frame: a decode takes microseconds; the old code never returned. */
    private static final Duration FAST = Duration.ofSeconds(5);

    /** For a whole property loop (thousands of decodes), generous for a loaded 2-core machine. */
    private static final Duration BULK = Duration.ofSeconds(60);

    private static final String MSG = "{\"namespace\":\"n\",\"topic\":\"t\",\"data\":\"x\"}";

    /** Runs {@code body} on a separate thread that is abandoned, and the test failed, if it does not end in time. */
    private static void fast(String what, Executable body) {
        assertTimeoutPreemptively(FAST, body, () -> "hung: " + what);
    }

    private static void bulk(String what, Executable body) {
        assertTimeoutPreemptively(BULK, body, () -> "hung: " + what);
    }

    private static void assertRejected(String frame) {
        Optional<Envelope> decoded = EnvelopeCodec.decode(frame);
        assertTrue(decoded.isEmpty(), () -> "accepted " + shorten(frame) + " as " + decoded);
    }

    private static String shorten(String frame) {
        return frame == null || frame.length() <= 200 ? String.valueOf(frame) : frame.substring(0, 200) + "…";
    }

    // ---------------------------------------------------------------- regression

    @Test
    void theSeventeenByteFrameReturnsEmpty() {
        assertEquals(17, HANGING_FRAME.getBytes(StandardCharsets.UTF_8).length);
        fast(HANGING_FRAME, () -> assertRejected(HANGING_FRAME));
    }

    @Test
    void framesEndingInsideAnIgnoredValueReturnEmpty() {
        for (String frame : new String[] {"{\"id\":\"x\",\"msg\":{", "{\"x\":[", "{\"x\":{", "{\"x\":[[[1,[",
                "{\"id\":\"x\",\"msg\":{\"extra\":[", "{\"id\":\"x\",\"msg\":{\"binary\":{\"a\":", "{\"id\":[{",
                "{\"id\":\"x\",\"msg\":{\"data\":[\"", "{\"x\":[\"\\u12"}) {
            fast(frame, () -> assertRejected(frame));
        }
    }

    // ---------------------------------------------------------------- truncation

    /** Random JSON text: scalars, and objects/arrays nested up to {@code depth} more levels. */
    private static String randomJson(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 9 : 5);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> String.valueOf(random.nextInt(2001) - 1000) + (random.nextBoolean() ? ".25e-3" : "");
            case 3, 4 -> jsonString(randomText(random, 12));
            case 5, 6 -> {
                StringBuilder array = new StringBuilder("[");
                for (int n = random.nextInt(4); n > 0; n--) {
                    array.append(randomJson(random, depth - 1)).append(n > 1 ? "," : "");
                }
                yield array.append(']').toString();
            }
            default -> {
                StringBuilder object = new StringBuilder("{");
                for (int n = random.nextInt(4); n > 0; n--) {
                    object.append(jsonString(randomText(random, 6))).append(':')
                            .append(randomJson(random, depth - 1)).append(n > 1 ? "," : "");
                }
                yield object.append('}').toString();
            }
        };
    }

    /** Random text from all of Unicode's planes, with controls, quotes, backslashes and surrogate pairs. */
    private static String randomText(Random random, int maxLength) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(maxLength + 1); n > 0; n--) {
            switch (random.nextInt(6)) {
                case 0 -> text.append((char) random.nextInt(0x20));
                case 1 -> text.append("\"\\/{}[]:,".charAt(random.nextInt(9)));
                case 2 -> text.appendCodePoint(0x10000 + random.nextInt(0x10FFFF - 0x10000));
                case 3 -> text.append((char) (0x80 + random.nextInt(0xD800 - 0x80)));
                default -> text.append((char) (0x20 + random.nextInt(0x5F)));
            }
        }
        return text.toString();
    }

    /** {@code text} as a JSON string, written by the JSON-P provider (not by hand). */
    private static String jsonString(String text) {
        return JSON.createValue(text).toString();
    }

    /** A valid envelope, padded with extra fields (nested several levels) before and after the known fields. */
    private static String paddedEnvelope(Random random, String id, SyncMessage message) {
        List<String> msgFields = new ArrayList<>(List.of(
                "\"namespace\":" + jsonString(message.namespace()),
                "\"topic\":" + jsonString(message.topic()),
                "\"binary\":" + message.isBinary(),
                "\"data\":" + jsonString(message.isBinary()
                        ? Base64.getEncoder().encodeToString(message.bytes()) : message.text())));
        List<String> rootFields = new ArrayList<>(List.of("\"id\":" + jsonString(id), ""));
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            msgFields.add(random.nextInt(msgFields.size() + 1), "\"x" + n + "\":" + randomJson(random, 6));
            rootFields.add(random.nextInt(rootFields.size() + 1), "\"y" + n + "\":" + randomJson(random, 6));
        }
        String msg = "\"msg\":{" + String.join(",", msgFields) + "}";
        rootFields.set(rootFields.indexOf(""), msg);
        return "{" + String.join(",", rootFields) + "}";
    }

    @Test
    void everyPrefixOfAPaddedEnvelopeReturnsEmptyFast() {
        long seed = 20240601L;
        Random random = new Random(seed);
        bulk("truncated envelopes, seed " + seed, () -> {
            for (int i = 0; i < 150; i++) {
                SyncMessage message = i % 2 == 0
                        ? SyncMessage.text("/n" + i, randomText(random, 8), randomText(random, 30))
                        : SyncMessage.binary("/b", "t" + i, randomBytes(random, 30));
                String frame = paddedEnvelope(random, "id-" + i, message);
                assertEquals(Optional.of(new Envelope("id-" + i, message)), EnvelopeCodec.decode(frame),
                        "seed " + seed + ", the whole frame " + frame);
                for (int cut = 0; cut < frame.length(); cut++) {
                    String prefix = frame.substring(0, cut);
                    assertTrue(EnvelopeCodec.decode(prefix).isEmpty(), () -> "seed " + seed + ", prefix " + prefix);
                }
            }
        });
    }

    // ---------------------------------------------------------------- fuzz

    private static byte[] randomBytes(Random random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    @Test
    void randomBytesReturnEmpty() {
        long seed = 7L;
        Random random = new Random(seed);
        bulk("random bytes, seed " + seed, () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] bytes = randomBytes(random, 200);
                String frame = new String(bytes, i % 2 == 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
                assertTrue(EnvelopeCodec.decode(frame).isEmpty(), () -> "seed " + seed + ": " + frame);
            }
        });
    }

    private static final String[] TOKENS = {"{", "}", "[", "]", ":", ",", "\"id\"", "\"msg\"", "\"namespace\"",
        "\"topic\"", "\"data\"", "\"binary\"", "\"x\"", "\"\"", "\"AAEC\"", "\"!!!\"", "0", "-0", "1", "1e-400",
        "2.5E+3", "true", "false", "null", " ", "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\", "01", "tru", "\u0000"};

    /**
     * Random token soup and random mutations of valid envelopes: decode must agree with an independent reading of
     * crossws's rules over a JSON-P tree (JsonReader), so every decision is checked, not only "did not throw".
     */
    @Test
    void tokenSoupAndMutatedEnvelopesAgreeWithATreeReading() {
        long seed = 99L;
        Random random = new Random(seed);
        int[] accepted = new int[1];
        bulk("token soup, seed " + seed, () -> {
            for (int i = 0; i < 10_000; i++) {
                String frame = i % 2 == 0 ? soup(random) : mutate(random, paddedEnvelope(random, "m" + i,
                        SyncMessage.text("/n", "t", randomText(random, 10))));
                Optional<Envelope> expected = treeReading(frame);
                Optional<Envelope> decoded = EnvelopeCodec.decode(frame);
                assertEquals(expected, decoded, () -> "seed " + seed + ", frame " + frame);
                accepted[0] += decoded.isPresent() ? 1 : 0;
            }
        });
        assertTrue(accepted[0] > 500, "the fuzz should reach valid envelopes too, reached " + accepted[0]);
    }

    private static String soup(Random random) {
        StringBuilder soup = new StringBuilder();
        if (random.nextBoolean()) {
            soup.append("{\"id\":\"s\",\"msg\":{");
        }
        for (int n = random.nextInt(40); n > 0; n--) {
            soup.append(TOKENS[random.nextInt(TOKENS.length)]);
        }
        return soup.toString();
    }

    private static String mutate(Random random, String frame) {
        StringBuilder mutated = new StringBuilder(frame);
        for (int n = random.nextInt(3); n > 0 && mutated.length() > 0; n--) {
            int at = random.nextInt(mutated.length());
            switch (random.nextInt(4)) {
                case 0 -> mutated.deleteCharAt(at);
                case 1 -> mutated.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                case 2 -> mutated.setCharAt(at, "{}[]:,\"\\ 0".charAt(random.nextInt(10)));
                default -> mutated.insert(at, mutated.substring(at, Math.min(mutated.length(), at + 8)));
            }
        }
        return mutated.toString();
    }

    /** The crossws rules (see {@link EnvelopeCodec}) applied to a JSON-P tree: the test's independent oracle. */
    private static Optional<Envelope> treeReading(String frame) {
        JsonValue root;
        try (JsonParser parser = JSON.createParser(new StringReader(frame))) {
            parser.next();
            root = parser.getValue(); // the whole tree (JsonReader would not notice trailing content)
            if (parser.hasNext()) {
                return Optional.empty();
            }
        } catch (JsonException | IllegalStateException | NoSuchElementException notJson) {
            return Optional.empty();
        }
        if (!(root instanceof JsonObject object) || !(object.get("id") instanceof JsonString id)
                || !(object.get("msg") instanceof JsonObject msg) || !(msg.get("namespace") instanceof JsonString ns)
                || !(msg.get("topic") instanceof JsonString topic) || !(msg.get("data") instanceof JsonString data)) {
            return Optional.empty();
        }
        JsonValue binary = msg.getOrDefault("binary", JsonValue.FALSE);
        boolean truthy = switch (binary.getValueType()) {
            case TRUE, OBJECT, ARRAY -> true;
            case STRING -> !((JsonString) binary).getString().isEmpty();
            case NUMBER -> ((JsonNumber) binary).doubleValue() != 0;
            default -> false;
        };
        if (!truthy) {
            return Optional.of(new Envelope(id.getString(),
                    SyncMessage.text(ns.getString(), topic.getString(), data.getString())));
        }
        try {
            return Optional.of(new Envelope(id.getString(), SyncMessage.binary(ns.getString(), topic.getString(),
                    Base64.getDecoder().decode(data.getString()))));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    @Test
    void tenThousandLevelsOfNestingReturnEmptyFastWithoutStackOverflow() {
        String open = "[".repeat(10_000);
        String close = "]".repeat(10_000);
        String objects = "{\"a\":".repeat(10_000);
        List<String> frames = List.of(open + close, open, "{\"x\":" + open + close + ",\"id\":\"a\",\"msg\":" + MSG + "}",
                "{\"id\":\"a\",\"msg\":{\"extra\":" + open + close + ",\"namespace\":\"n\",\"topic\":\"t\",\"data\":\"x\"}}",
                "{\"id\":\"a\",\"msg\":{\"binary\":" + open, "{\"x\":" + objects + "1" + "}".repeat(10_001), objects);
        for (String frame : frames) {
            fast(shorten(frame), () -> assertRejected(frame));
        }
    }

    /** {@code levels} nested arrays. */
    private static String nested(int levels) {
        return "[".repeat(levels) + "]".repeat(levels);
    }

    @Test
    void nestingIsReadUpToMaxDepthAndRejectedBeyond() {
        int max = EnvelopeCodec.MAX_DEPTH;
        // the root object is level 1: an array value of a root field starts level 2, of a msg field level 3
        String atRoot = "{\"id\":\"a\",\"msg\":" + MSG + ",\"x\":%s}";
        String inMsg = "{\"id\":\"a\",\"msg\":{\"namespace\":\"n\",\"topic\":\"t\",\"data\":\"x\",\"x\":%s}}";
        assertTrue(EnvelopeCodec.decode(String.format(atRoot, nested(max - 1))).isPresent());
        assertRejected(String.format(atRoot, nested(max)));
        assertTrue(EnvelopeCodec.decode(String.format(inMsg, nested(max - 2))).isPresent());
        assertRejected(String.format(inMsg, nested(max - 1)));
        assertTrue(EnvelopeCodec.decode("{\"id\":\"a\",\"msg\":{\"namespace\":\"n\",\"topic\":\"t\",\"data\":\"AA==\","
                + "\"binary\":" + nested(max - 2) + "}}").orElseThrow().message().isBinary());
        assertRejected("{\"id\":\"a\",\"msg\":{\"namespace\":\"n\",\"topic\":\"t\",\"data\":\"AA==\",\"binary\":"
                + nested(max - 1) + "}}");
    }

    @Test
    void aFieldOfTheWrongTypeIsMalformed() {
        String[] wrong = {"1", "-0.5", "true", "false", "null", "[]", "{}", "[\"x\"]", "{\"a\":\"x\"}", "1e999"};
        String msg = "{\"namespace\":%s,\"topic\":%s,\"data\":%s}";
        for (String value : wrong) {
            assertRejected("{\"id\":" + value + ",\"msg\":" + MSG + "}");
            assertRejected("{\"id\":\"a\",\"msg\":" + value + "}");
            assertRejected("{\"id\":\"a\",\"msg\":" + String.format(msg, value, "\"t\"", "\"x\"") + "}");
            assertRejected("{\"id\":\"a\",\"msg\":" + String.format(msg, "\"n\"", value, "\"x\"") + "}");
            assertRejected("{\"id\":\"a\",\"msg\":" + String.format(msg, "\"n\"", "\"t\"", value) + "}");
            assertRejected(value);
        }
        assertTrue(EnvelopeCodec.decode("{\"id\":\"a\",\"msg\":" + String.format(msg, "\"n\"", "\"t\"", "\"x\"")
                + "}").isPresent(), "the same frame with the right types");
    }

    @Test
    void invalidBase64WithBinaryTrueIsMalformed() {
        String prefix = "{\"id\":\"a\",\"msg\":{\"namespace\":\"n\",\"topic\":\"t\",\"binary\":true,\"data\":";
        for (String data : new String[] {"!!!", "A", "AAAAA", "AA=A", "AA==AA", "A===", "AAEC\\n", "AA EC",
                "AAE\\u00e9", "AA-_", "====", "AAEC="}) {
            fast(data, () -> assertRejected(prefix + "\"" + data + "\"}}"));
        }
        assertArrayEquals(new byte[] {0, 1, 2, -2, -1},
                EnvelopeCodec.decode(prefix + "\"AAEC/v8\"}}").orElseThrow().message().bytes(), "unpadded is fine");
    }

    @Test
    void oversizedInputIsRejectedUnparsed() {
        String big = EnvelopeCodec.encode("a", SyncMessage.text("/n", "t", "x".repeat(EnvelopeCodec.DEFAULT_MAX_CHARS)));
        assertTrue(EnvelopeCodec.decode(big, Integer.MAX_VALUE).isPresent(), "a valid envelope when parsed");
        assertRejected(big);
        String small = EnvelopeCodec.encode("a", SyncMessage.text("/n", "t", "x"));
        assertTrue(EnvelopeCodec.decode(small, small.length()).isPresent());
        assertTrue(EnvelopeCodec.decode(small, small.length() - 1).isEmpty());
        assertTrue(EnvelopeCodec.decode(small, 0).isEmpty());
        assertTrue(EnvelopeCodec.decode(small, -1).isEmpty());
        // a frame that would take a while to walk is refused as fast as its length can be read
        String deep = "{\"x\":" + "[0,".repeat(5_000_000);
        fast("5M-element frame over the limit", () -> assertTrue(EnvelopeCodec.decode(deep, 1000).isEmpty()));
    }

    @Test
    void binaryFalseNumbersFollowJsonParseIncludingUnderflow() {
        String prefix = "{\"id\":\"a\",\"msg\":{\"namespace\":\"n\",\"topic\":\"t\",\"data\":\"AAEC\",\"binary\":";
        // JSON.parse("1e-400") is 0: falsy; 1e400 is Infinity: truthy
        assertEquals("AAEC", EnvelopeCodec.decode(prefix + "1e-400}}").orElseThrow().message().text());
        assertTrue(EnvelopeCodec.decode(prefix + "1e400}}").orElseThrow().message().isBinary());
        assertTrue(EnvelopeCodec.decode(prefix + "-1E-300}}").orElseThrow().message().isBinary());
    }

    @Test
    void randomMessagesRoundTrip() {
        long seed = 4711L;
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            SyncMessage message = random.nextBoolean()
                    ? SyncMessage.text(randomText(random, 10), randomText(random, 10), randomText(random, 80)
                            + (random.nextInt(10) == 0 ? "\ud800" : "") + (random.nextInt(10) == 0 ? "\udfff" : ""))
                    : SyncMessage.binary(randomText(random, 10), randomText(random, 10), randomBytes(random, 300));
            String id = randomText(random, 36);
            long seq = random.nextBoolean() ? -1 : random.nextLong() & Long.MAX_VALUE;
            String frame = seq < 0 ? EnvelopeCodec.encode(id, message) : EnvelopeCodec.encode(id, message, seq);
            Envelope back = EnvelopeCodec.decode(frame).orElseThrow(
                    () -> new AssertionError("seed " + seed + ": rejected its own encoding " + frame));
            assertEquals(new Envelope(id, message, seq, -1), back, "seed " + seed);
            if (message.isBinary()) {
                assertArrayEquals(message.bytes(), back.message().bytes(), "seed " + seed);
            }
        }
    }
}
