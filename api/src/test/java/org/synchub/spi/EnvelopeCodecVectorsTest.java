package org.synchub.spi;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.synchub.SyncMessage;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks the codec against envelopes produced by the real crossws 0.4.17 (test resource wire/crossws-envelopes.json). */
class EnvelopeCodecVectorsTest {

    private static final JsonObject VECTORS = load();

    private static JsonObject load() {
        try (InputStream in = EnvelopeCodecVectorsTest.class.getResourceAsStream("/wire/crossws-envelopes.json");
             var reader = Json.createReader(in)) {
            return reader.readObject();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read /wire/crossws-envelopes.json", e);
        }
    }

    /** A vector's {"namespace","topic","data"} where data is a string (text) or {"bytes":[...]} (binary). */
    private static SyncMessage message(JsonObject msg) {
        String ns = msg.getString("namespace");
        String topic = msg.getString("topic");
        JsonValue data = msg.get("data");
        if (data.getValueType() == JsonValue.ValueType.STRING) {
            return SyncMessage.text(ns, topic, msg.getString("data"));
        }
        var list = data.asJsonObject().getJsonArray("bytes");
        byte[] bytes = new byte[list.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) list.getInt(i);
        }
        return SyncMessage.binary(ns, topic, bytes);
    }

    @TestFactory
    Stream<DynamicTest> encodesByteForByteLikeCrossws() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonValue v : VECTORS.getJsonArray("encode")) {
            JsonObject vector = v.asJsonObject();
            String expected = vector.getString("encoded");
            tests.add(DynamicTest.dynamicTest(expected.length() > 80 ? expected.substring(0, 80) : expected, () -> {
                SyncMessage msg = message(vector.getJsonObject("msg"));
                assertEquals(expected, EnvelopeCodec.encode(vector.getString("id"), msg));
                Envelope back = EnvelopeCodec.decode(expected).orElseThrow();
                assertEquals(vector.getString("id"), back.id());
                assertEquals(msg, back.message());
            }));
        }
        assertFalse(tests.isEmpty(), "no encode vectors");
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> decodesLikeCrossws() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonValue v : VECTORS.getJsonArray("decode")) {
            JsonObject vector = v.asJsonObject();
            String raw = vector.getString("raw");
            tests.add(DynamicTest.dynamicTest(raw, () -> {
                Optional<Envelope> decoded = EnvelopeCodec.decode(raw);
                JsonValue expected = vector.get("decoded");
                if (expected.getValueType() == JsonValue.ValueType.NULL) {
                    assertTrue(decoded.isEmpty(), "crossws rejects this, the codec accepted it: " + decoded);
                } else {
                    JsonObject e = expected.asJsonObject();
                    Envelope env = decoded.orElseThrow(() -> new AssertionError("crossws accepts this, the codec rejected it"));
                    assertEquals(e.getString("id"), env.id());
                    SyncMessage want = message(e.getJsonObject("msg"));
                    assertEquals(want, env.message());
                    if (want.isBinary()) {
                        assertArrayEquals(want.bytes(), env.message().bytes());
                    }
                }
            }));
        }
        assertFalse(tests.isEmpty(), "no decode vectors");
        return tests.stream();
    }

    @Test
    void seqFieldIsAppendedAndReadBackWithTheSameMessage() {
        SyncMessage msg = SyncMessage.text("/n", "t", "x");
        String enc = EnvelopeCodec.encode("a", msg, 42);
        assertEquals("{\"id\":\"a\",\"msg\":{\"namespace\":\"/n\",\"topic\":\"t\",\"binary\":false,\"data\":\"x\"},\"seq\":42}", enc);
        assertEquals(new Envelope("a", msg, 42, -1), EnvelopeCodec.decode(enc).orElseThrow());
        // a seq that is not a plain non-negative integer is ignored, not fatal
        for (String seq : new String[] {"-1", "1.5", "1e3", "\"7\"", "12345678901234567890", "null", "[1]"}) {
            String odd = enc.replace("42", seq);
            assertEquals(new Envelope("a", msg), EnvelopeCodec.decode(odd).orElseThrow(), odd);
        }
    }

    @Test
    void probeEnvelopesCarryNoMessageAndDecodeAsProbes() {
        String probe = EnvelopeCodec.encodeProbe("a", 7);
        assertEquals("{\"id\":\"a\",\"probe\":7}", probe);
        Envelope decoded = EnvelopeCodec.decode(probe).orElseThrow();
        assertTrue(decoded.isProbe());
        assertEquals(7, decoded.probe());
        assertEquals(null, decoded.message());
        // crossws requires msg.namespace and msg.topic: a probe has no msg, so crossws drops it
        assertTrue(!probe.contains("\"msg\""));
        assertTrue(EnvelopeCodec.decode("{\"probe\":7}").isEmpty(), "a probe needs an id");
    }

    @Test
    void decodeNeverThrows() {
        for (String raw : new String[] {null, "", "{", "{\"id\":", "\u0000", "{\"id\":\"a\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":1,\"data\":\"A\"}}", "[1,2", "{} {}"}) {
            assertTrue(EnvelopeCodec.decode(raw).isEmpty(), String.valueOf(raw));
        }
    }
}
