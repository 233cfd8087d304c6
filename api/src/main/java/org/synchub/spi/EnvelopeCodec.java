package org.synchub.spi;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import org.synchub.SyncMessage;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.Base64;
import java.util.Optional;

/**
 * The JSON envelope every text backplane carries, wire-compatible with the crossws sync backplane (0.4.x):
 *
 * <pre>{"id":"&lt;instance id&gt;","msg":{"namespace":"…","topic":"…","binary":false,"data":"…"}}</pre>
 *
 * <p>{@code binary:true} means {@code data} is standard base64 (with padding) of the bytes. {@link #encode} writes
 * exactly the bytes crossws's {@code encodeEnvelope} writes; {@link #decode} accepts and rejects what crossws's
 * {@code decodeEnvelope} does (extra fields are ignored; {@code binary} is read by JavaScript truthiness; unpadded
 * base64 is accepted). Both are stateless and thread-safe; {@code decode} never throws.
 */
public final class EnvelopeCodec {

    private static final JsonProvider JSON = JsonProvider.provider();

    private EnvelopeCodec() {
    }

    /** The envelope of {@code message} sent by instance {@code id}. */
    public static String encode(String id, SyncMessage message) {
        return write(id, message, -1);
    }

    /**
     * The envelope with an extra top-level {@code "seq"} field (ignored by crossws and by {@link #decode}), which
     * makes otherwise identical envelopes distinct (PostgreSQL folds identical NOTIFY payloads in a transaction).
     */
    public static String encode(String id, SyncMessage message, long seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0: " + seq);
        }
        return write(id, message, seq);
    }

    /**
     * Writes the envelope by hand: the same characters as {@link #writeJsonP} (JSON-P escapes only {@code "},
     * {@code \\} and control characters, as below) at a fraction of the cost; {@code EnvelopeCodecFastPathTest}
     * checks the two agree.
     */
    private static String write(String id, SyncMessage message, long seq) {
        String data = message.isBinary() ? Base64.getEncoder().encodeToString(message.bytes()) : message.text();
        StringBuilder out = new StringBuilder(80 + id.length() + message.namespace().length()
                + message.topic().length() + data.length());
        out.append("{\"id\":");
        quote(out, id);
        out.append(",\"msg\":{\"namespace\":");
        quote(out, message.namespace());
        out.append(",\"topic\":");
        quote(out, message.topic());
        out.append(",\"binary\":").append(message.isBinary()).append(",\"data\":");
        quote(out, data);
        out.append('}');
        if (seq >= 0) {
            out.append(",\"seq\":").append(seq);
        }
        return out.append('}').toString();
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        int start = 0;
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, start, i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
            start = i + 1;
        }
        out.append(s, start, length).append('"');
    }

    /** The JSON-P writer: the reference the hand-written {@link #write} must match. */
    static String writeJsonP(String id, SyncMessage message, long seq) {
        StringWriter out = new StringWriter(64 + message.size() * 4 / 3);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject()
                    .write("id", id)
                    .writeStartObject("msg")
                    .write("namespace", message.namespace())
                    .write("topic", message.topic())
                    .write("binary", message.isBinary())
                    .write("data", message.isBinary()
                            ? Base64.getEncoder().encodeToString(message.bytes())
                            : message.text())
                    .writeEnd();
            if (seq >= 0) {
                json.write("seq", seq);
            }
            json.writeEnd();
        }
        return out.toString();
    }

    /** The envelope in {@code raw}, or empty when {@code raw} is not a valid envelope. Never throws. */
    public static Optional<Envelope> decode(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        Envelope canonical = FastEnvelopeReader.read(raw);
        return canonical != null ? Optional.of(canonical) : decodeJsonP(raw);
    }

    /** The JSON-P reader: used for every frame that is not exactly in the canonical form {@link #encode} writes. */
    static Optional<Envelope> decodeJsonP(String raw) {
        try (var reader = JSON.createReader(new StringReader(raw))) {
            if (!(reader.readValue() instanceof JsonObject root)
                    || !(root.get("id") instanceof JsonString id)
                    || !(root.get("msg") instanceof JsonObject msg)
                    || !(msg.get("namespace") instanceof JsonString namespace)
                    || !(msg.get("topic") instanceof JsonString topic)
                    || !(msg.get("data") instanceof JsonString data)) {
                return Optional.empty();
            }
            SyncMessage message = truthy(msg.get("binary"))
                    ? SyncMessage.binary(namespace.getString(), topic.getString(),
                            Base64.getDecoder().decode(data.getString()))
                    : SyncMessage.text(namespace.getString(), topic.getString(), data.getString());
            return Optional.of(new Envelope(id.getString(), message));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /** JavaScript truthiness of a JSON value ({@code undefined} when absent). */
    private static boolean truthy(JsonValue value) {
        if (value == null) {
            return false;
        }
        return switch (value.getValueType()) {
            case TRUE, OBJECT, ARRAY -> true;
            case FALSE, NULL -> false;
            case STRING -> !((JsonString) value).getString().isEmpty();
            case NUMBER -> {
                double d = ((jakarta.json.JsonNumber) value).doubleValue();
                yield d != 0 && !Double.isNaN(d);
            }
        };
    }
}
