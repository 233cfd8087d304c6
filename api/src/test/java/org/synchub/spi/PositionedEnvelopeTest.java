package org.synchub.spi;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.synchub.SyncMessage;
import org.synchub.history.SyncPosition;

import java.io.InputStream;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A positioned envelope (history topics) is the crossws envelope of the wire vectors plus the {@code seq} and
 * {@code pos} fields, so crossws (which ignores other fields) decodes it to the same message; the codec reads the
 * position back, and anything but a valid position object counts as none.
 */
class PositionedEnvelopeTest {

    private static JsonObject vectors() throws Exception {
        try (InputStream in = PositionedEnvelopeTest.class.getResourceAsStream("/wire/crossws-envelopes.json");
             var reader = Json.createReader(in)) {
            return reader.readObject();
        }
    }

    private static SyncMessage message(JsonObject msg) {
        JsonValue data = msg.get("data");
        if (data.getValueType() == JsonValue.ValueType.STRING) {
            return SyncMessage.text(msg.getString("namespace"), msg.getString("topic"), msg.getString("data"));
        }
        var list = data.asJsonObject().getJsonArray("bytes");
        byte[] bytes = new byte[list.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) list.getInt(i);
        }
        return SyncMessage.binary(msg.getString("namespace"), msg.getString("topic"), bytes);
    }

    @Test
    void everyCrosswsVectorStaysTheSameEnvelopeWithAPositionAdded() throws Exception {
        int checked = 0;
        for (JsonValue v : vectors().getJsonArray("encode")) {
            JsonObject vector = v.asJsonObject();
            String crossws = vector.getString("encoded");
            SyncMessage msg = message(vector.getJsonObject("msg"));
            SyncPosition position = new SyncPosition("Ep0ch-_1", 12 + checked);
            String frame = EnvelopeCodec.positionedPrefix(vector.getString("id"), msg, 7)
                    + EnvelopeCodec.positionJson(position) + EnvelopeCodec.POSITIONED_SUFFIX;
            assertEquals(crossws.substring(0, crossws.length() - 1) + ",\"seq\":7,\"pos\":{\"e\":\"Ep0ch-_1\",\"o\":"
                    + (12 + checked) + "}}", frame, "the crossws bytes, then seq and pos");
            Envelope back = EnvelopeCodec.decode(frame).orElseThrow();
            assertEquals(new Envelope(vector.getString("id"), msg, 7, -1, position), back);
            // what crossws's decoder reads: a JSON object whose id and msg are those of the vector
            JsonObject parsed = Json.createReader(new java.io.StringReader(frame)).readObject();
            assertEquals(vector.getString("id"), parsed.getString("id"));
            JsonObject m = parsed.getJsonObject("msg");
            assertEquals(msg.topic(), m.getString("topic"));
            if (msg.isBinary()) {
                assertEquals(Base64.getEncoder().encodeToString(msg.bytes()), m.getString("data"));
            } else {
                assertEquals(msg.text(), m.getString("data"));
            }
            checked++;
        }
        assertTrue(checked > 0);
    }

    @Test
    void aPositionThatIsNotAValidObjectIsNone() {
        String prefix = EnvelopeCodec.positionedPrefix("a", SyncMessage.text("/n", "t", "x"), -1);
        assertEquals("{\"id\":\"a\",\"msg\":{\"namespace\":\"/n\",\"topic\":\"t\",\"binary\":false,\"data\":\"x\"},"
                + "\"pos\":", prefix, "seq -1 writes none");
        for (String pos : new String[] {"null", "1", "\"e:1\"", "[1]", "{}", "{\"e\":\"x\"}", "{\"o\":3}",
                "{\"e\":\"bad epoch\",\"o\":3}", "{\"e\":\"x\",\"o\":-1}", "{\"e\":\"x\",\"o\":1.5}",
                "{\"e\":7,\"o\":1}", "{\"e\":\"x\",\"o\":99999999999999999999}"}) {
            Envelope e = EnvelopeCodec.decode(prefix + pos + "}").orElseThrow(() -> new AssertionError(pos));
            assertNull(e.position(), pos);
            assertEquals("x", e.message().text());
        }
        assertEquals(new SyncPosition("x", 3), EnvelopeCodec.decode(prefix + "{\"o\":3,\"extra\":[{}],\"e\":\"x\"}}")
                .orElseThrow().position());
        assertTrue(EnvelopeCodec.decode(prefix + "{\"e\":\"x\",\"o\":3}").isEmpty(), "truncated: malformed");
    }
}
