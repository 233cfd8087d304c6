package org.synchub.spi;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;
import org.synchub.SyncMessage;

import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON envelope every text backplane carries, wire-compatible with the crossws sync backplane (0.4.x):
 *
 * <pre>{"id":"&lt;instance id&gt;","msg":{"namespace":"…","topic":"…","binary":false,"data":"…"}}</pre>
 *
 * <p>{@code binary:true} means {@code data} is standard base64 (with padding) of the bytes. {@link #encode} writes
 * exactly the bytes crossws's {@code encodeEnvelope} writes (the id first, so a receiver can recognise its own
 * envelopes by their prefix); {@link #decode} accepts and rejects what crossws's {@code decodeEnvelope} does: the
 * root must be an object with a string {@code id} and an object {@code msg} holding strings {@code namespace},
 * {@code topic} and {@code data}; {@code binary} is read by JavaScript truthiness; unpadded base64 is accepted;
 * a repeated key counts with its last value, as in {@code JSON.parse}; other fields are ignored.
 *
 * <p>JSON is read and written with JSON-P ({@code jakarta.json}) streaming, so no tree is built per frame. Both
 * methods are stateless and thread-safe; {@code decode} never throws.
 */
public final class EnvelopeCodec {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonGeneratorFactory WRITERS = JSON.createGeneratorFactory(Map.of());
    private static final JsonParserFactory READERS = JSON.createParserFactory(Map.of());

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

    private static String write(String id, SyncMessage message, long seq) {
        String data = message.isBinary() ? Base64.getEncoder().encodeToString(message.bytes()) : message.text();
        StringWriter out = new StringWriter(80 + id.length() + message.namespace().length()
                + message.topic().length() + data.length());
        try (JsonGenerator json = WRITERS.createGenerator(out)) {
            json.writeStartObject()
                    .write("id", id)
                    .writeStartObject("msg")
                    .write("namespace", message.namespace())
                    .write("topic", message.topic())
                    .write("binary", message.isBinary())
                    .write("data", data)
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
        try (JsonParser json = READERS.createParser(new StringReader(raw))) {
            return Optional.ofNullable(json.hasNext() && json.next() == Event.START_OBJECT ? root(json) : null);
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /** Reads the root object (its START_OBJECT consumed) and what follows it; null when it is no envelope. */
    private static Envelope root(JsonParser json) {
        String id = null;
        Fields msg = null;
        while (json.next() == Event.KEY_NAME) {
            String key = json.getString();
            Event value = json.next();
            switch (key) {
                case "id" -> id = value == Event.VALUE_STRING ? json.getString() : skip(json, value);
                case "msg" -> msg = value == Event.START_OBJECT ? fields(json) : skip(json, value);
                default -> skip(json, value);
            }
        }
        if (json.hasNext()) {
            return null; // something after the root value: not JSON
        }
        if (id == null || msg == null || msg.namespace == null || msg.topic == null || msg.data == null) {
            return null;
        }
        SyncMessage message = msg.binary
                ? SyncMessage.binary(msg.namespace, msg.topic, Base64.getDecoder().decode(msg.data))
                : SyncMessage.text(msg.namespace, msg.topic, msg.data);
        return new Envelope(id, message);
    }

    /** What {@code msg} holds; a field of the wrong type counts as absent. */
    private static final class Fields {
        String namespace;
        String topic;
        String data;
        boolean binary;
    }

    private static Fields fields(JsonParser json) {
        Fields fields = new Fields();
        while (json.next() == Event.KEY_NAME) {
            String key = json.getString();
            Event value = json.next();
            String text = value == Event.VALUE_STRING ? json.getString() : null;
            switch (key) {
                case "namespace" -> fields.namespace = text;
                case "topic" -> fields.topic = text;
                case "data" -> fields.data = text;
                case "binary" -> fields.binary = truthy(json, value);
                default -> { }
            }
            skip(json, value);
        }
        return fields;
    }

    /** JavaScript truthiness of the value just read. */
    private static boolean truthy(JsonParser json, Event value) {
        return switch (value) {
            case VALUE_TRUE, START_OBJECT, START_ARRAY -> true;
            case VALUE_STRING -> !json.getString().isEmpty();
            case VALUE_NUMBER -> json.getBigDecimal().compareTo(BigDecimal.ZERO) != 0;
            default -> false;
        };
    }

    /** Skips the rest of a container value just started; returns null (for use in expressions). */
    private static <T> T skip(JsonParser json, Event value) {
        if (value == Event.START_OBJECT) {
            json.skipObject();
        } else if (value == Event.START_ARRAY) {
            json.skipArray();
        }
        return null;
    }
}
