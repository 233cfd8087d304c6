package org.synchub.spi;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;
import org.synchub.SyncMessage;
import org.synchub.history.SyncPosition;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON envelope every text backplane carries, wire-compatible with the crossws sync backplane (0.4.x):
 *
 * <pre>{"id":"&lt;instance id&gt;","msg":{"namespace":"…","topic":"…","binary":false,"data":"…"}}</pre>
 *
 * <p>{@code binary:true} means {@code data} is standard base64 (with padding) of the bytes.
 * {@link #encode(String, SyncMessage)} writes exactly the bytes crossws's {@code encodeEnvelope} writes (the id first,
 * so a receiver can recognise its own envelopes by their prefix); {@link #decode(String, int)} accepts and rejects
 * what crossws's {@code decodeEnvelope} does: the root must be an object with a string {@code id} and an object
 * {@code msg} holding strings {@code namespace}, {@code topic} and {@code data}; {@code binary} is read by JavaScript
 * truthiness; unpadded base64 is accepted, invalid base64 is rejected;
 * a repeated key counts with its last value, as in {@code JSON.parse}; other fields are ignored.
 *
 * <p>On a history topic ({@link org.synchub.history}) the envelope carries one more top-level field, after
 * {@code seq}: {@code "pos":{"e":"<epoch>","o":<offset>}}, the message's position, which crossws ignores. The relay
 * writes such an envelope in two parts around the position ({@link #positionedPrefix}, {@link #POSITIONED_SUFFIX})
 * and the history store puts {@link #positionJson} between them; {@code "pos":null} (or any other value that is not
 * such an object) means no position.
 *
 * <p>JSON is read and written with JSON-P ({@code jakarta.json}) streaming, so no tree is built per frame. Both
 * methods are stateless and thread-safe. {@code decode} never throws and bounds its work, whatever the input and
 * whichever JSON-P implementation the container provides: it rejects a frame over a length limit unparsed, one
 * nested deeper than {@link #MAX_DEPTH}, one that ends inside a value, and one with anything after the root object.
 */
public final class EnvelopeCodec {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonGeneratorFactory WRITERS = JSON.createGeneratorFactory(Map.of());
    private static final JsonParserFactory READERS = JSON.createParserFactory(Map.of());

    private EnvelopeCodec() {
    }

    /**
     * The envelope of {@code message} sent by instance {@code id}.
     *
     * @param id      the sending hub instance's id
     * @param message the message to carry
     * @return the JSON text, byte for byte as crossws writes it
     */
    public static String encode(String id, SyncMessage message) {
        return write(id, message, -1);
    }

    /**
     * The envelope with an extra top-level {@code "seq"} field (ignored by crossws and by {@link #decode(String)}),
     * which makes otherwise identical envelopes distinct (PostgreSQL folds identical NOTIFY payloads in a
     * transaction).
     *
     * @param id      the sending hub instance's id
     * @param message the message to carry
     * @param seq     a number to make the envelope distinct, at least 0
     * @return the JSON text
     * @throws IllegalArgumentException if {@code seq} is negative
     */
    public static String encode(String id, SyncMessage message, long seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0: " + seq);
        }
        return write(id, message, seq);
    }

    /** What follows the position in a positioned envelope: the end of the root object. */
    public static final String POSITIONED_SUFFIX = "}";

    /**
     * The envelope of {@code message} with its {@code seq}, up to and including {@code "pos":}: a history store
     * appends {@link #positionJson} (or {@code null}) and {@link #POSITIONED_SUFFIX} to make the frame.
     *
     * @param id      the sending hub instance's id
     * @param message the message to carry
     * @param seq     the sender's sequence number, or -1 to write none
     * @return the head of the envelope
     */
    public static String positionedPrefix(String id, SyncMessage message, long seq) {
        String whole = write(id, message, Math.max(-1, seq));
        return whole.substring(0, whole.length() - 1) + ",\"pos\":";
    }

    /**
     * The JSON of a position as a history store writes it into a frame: {@code {"e":"<epoch>","o":<offset>}}, no
     * spaces (an epoch needs no escaping, see {@link SyncPosition}).
     *
     * @param position the position
     * @return its JSON
     */
    public static String positionJson(SyncPosition position) {
        return "{\"e\":\"" + position.epoch() + "\",\"o\":" + position.offset() + "}";
    }

    /**
     * A self-probe envelope, {@code {"id":"…","probe":n}}: it carries no {@code msg}, so crossws's decoder drops it
     * (it requires {@code msg.namespace} and {@code msg.topic}), and {@link #decode(String)} returns it as an
     * envelope whose {@link Envelope#isProbe()} is true. A hub sends one through its own backplane and expects it
     * back through its own subscription.
     *
     * @param id    the sending hub instance's id
     * @param probe the probe's number, at least 0
     * @return the JSON text
     */
    public static String encodeProbe(String id, long probe) {
        if (probe < 0) {
            throw new IllegalArgumentException("probe must be >= 0: " + probe);
        }
        StringWriter out = new StringWriter(64 + id.length());
        try (JsonGenerator json = WRITERS.createGenerator(out)) {
            json.writeStartObject().write("id", id).write("probe", probe).writeEnd();
        }
        return out.toString();
    }

    /**
     * How every probe envelope of instance {@code id} begins, <code>{"id":"…","probe":</code> (what
     * {@link #encodeProbe} writes before the number): a driver or hub recognises its own probes with a
     * {@code startsWith}, without parsing.
     *
     * @param id the hub instance's id
     * @return the prefix of {@code encodeProbe(id, n)} for every {@code n}
     */
    public static String probePrefix(String id) {
        String probe = encodeProbe(id, 0);
        return probe.substring(0, probe.length() - "0}".length());
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

    /**
     * The longest frame, in chars, that {@link #decode(String)} parses: {@value}, the default of
     * {@link SyncDriverContext#maxFrameBytes()} (a frame has at least as many UTF-8 bytes as chars).
     */
    public static final int DEFAULT_MAX_CHARS = SyncDriverContext.DEFAULT_MAX_FRAME_BYTES;

    /**
     * The deepest nesting of objects and arrays {@link #decode(String, int)} reads, the root object being level 1;
     * a frame nested deeper is malformed. An envelope needs 2 levels; the rest is room for extra fields.
     */
    public static final int MAX_DEPTH = 64;

    /**
     * The envelope in {@code raw}, or empty when {@code raw} is not a valid envelope or is longer than
     * {@link #DEFAULT_MAX_CHARS}. Same guarantees as {@link #decode(String, int)}.
     *
     * @param raw a frame as received from a backplane; may be null
     * @return the envelope, or empty when {@code raw} is not one
     */
    public static Optional<Envelope> decode(String raw) {
        return decode(raw, DEFAULT_MAX_CHARS);
    }

    /**
     * The envelope in {@code raw}, or empty when {@code raw} is not a valid envelope. Never throws and never blocks:
     * a frame longer than {@code maxChars} is rejected before anything is parsed, a frame nested deeper than
     * {@link #MAX_DEPTH} is rejected as soon as the depth is reached, and otherwise the work is one pass over the
     * frame (no recursion, so no stack overflow whatever the input). Stateless and thread-safe.
     *
     * @param raw      a frame as received from a backplane; may be null
     * @param maxChars the longest frame, in chars, to parse (a hub passes its frame limit in bytes, which bounds the
     *                 chars too); a frame longer than this is empty
     * @return the envelope, or empty when {@code raw} is not one
     */
    public static Optional<Envelope> decode(String raw, int maxChars) {
        if (raw == null || raw.length() > maxChars) {
            return Optional.empty();
        }
        try (JsonParser json = READERS.createParser(new StringReader(raw))) {
            return Optional.ofNullable(envelope(json));
        } catch (RuntimeException malformed) {
            // JsonException/JsonParsingException, NoSuchElementException, NumberFormatException, Malformed...
            return Optional.empty();
        }
    }

    /*
     * The walk below deliberately never calls JsonParser.skipObject()/skipArray(): in Parsson (the JSON-P
     * implementation Payara and WildFly ship, each its own version; seen here with 1.1.7) those loop forever when the
     * input ends inside the value being skipped (eclipse-ee4j/parsson#23, still open; jakartaee/jsonp-api#242), and
     * they skip without checking the syntax of what they skip. So the 17-byte frame
     * {"id":"x","msg":[ would pin the listener thread at 100% CPU. Since the container chooses the implementation,
     * the codec walks the events itself: each value is consumed with a depth counter, and the input ending inside
     * a value (hasNext() false) is malformed.
     */

    /** Thrown inside the walk when the frame is not an envelope; never escapes {@link #decode(String, int)}. */
    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed() {
            super("malformed envelope", null, false, false);
        }
    }

    private static final Malformed MALFORMED = new Malformed();

    /** The next event inside a value; the input ending there is malformed. */
    private static Event next(JsonParser json) {
        if (!json.hasNext()) {
            throw MALFORMED;
        }
        return json.next();
    }

    /** Reads the whole frame; null when it is no envelope. */
    private static Envelope envelope(JsonParser json) {
        if (!json.hasNext() || json.next() != Event.START_OBJECT) {
            return null;
        }
        String id = null;
        Fields msg = null;
        long seq = -1;
        long probe = -1;
        SyncPosition position = null;
        for (Event event = next(json); event != Event.END_OBJECT; event = next(json)) {
            String key = key(json, event);
            Event value = next(json);
            if (key.equals("msg") && value == Event.START_OBJECT) {
                msg = fields(json);
                continue;
            }
            if (key.equals("pos")) {
                position = value == Event.START_OBJECT ? position(json) : null;
                if (value == Event.START_OBJECT) {
                    continue;
                }
            }
            switch (key) {
                case "id" -> id = value == Event.VALUE_STRING ? json.getString() : null;
                case "msg" -> msg = null; // not an object
                case "seq" -> seq = counter(json, value);
                case "probe" -> probe = counter(json, value);
                default -> { }
            }
            consume(json, value, 2);
        }
        if (json.hasNext()) {
            return null; // something after the root value: not JSON
        }
        if (id != null && msg == null && probe >= 0) {
            return new Envelope(id, null, -1, probe);
        }
        if (id == null || msg == null || msg.namespace == null || msg.topic == null || msg.data == null) {
            return null;
        }
        SyncMessage message;
        if (msg.binary) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(msg.data);
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
            message = SyncMessage.binary(msg.namespace, msg.topic, bytes);
        } else {
            message = SyncMessage.text(msg.namespace, msg.topic, msg.data);
        }
        return new Envelope(id, message, seq, -1, position);
    }

    /** Reads a {@code pos} object (level 2; its START_OBJECT consumed) to its END_OBJECT; null unless valid. */
    private static SyncPosition position(JsonParser json) {
        String epoch = null;
        long offset = -1;
        for (Event event = next(json); event != Event.END_OBJECT; event = next(json)) {
            String key = key(json, event);
            Event value = next(json);
            switch (key) {
                case "e" -> epoch = value == Event.VALUE_STRING ? json.getString() : null;
                case "o" -> offset = counter(json, value);
                default -> { }
            }
            consume(json, value, 3);
        }
        return offset >= 0 && SyncPosition.validEpoch(epoch) ? new SyncPosition(epoch, offset) : null;
    }

    /** A non-negative integral number that fits a long, or -1 for anything else. */
    private static long counter(JsonParser json, Event value) {
        if (value != Event.VALUE_NUMBER) {
            return -1;
        }
        String digits = json.getString(); // the number's text; only plain digits count (no sign, fraction, exponent)
        if (digits.isEmpty() || digits.length() > 19) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException overLongMax) {
            return -1;
        }
    }

    /** The key that {@code event} (the next event in an object) must be. */
    private static String key(JsonParser json, Event event) {
        if (event != Event.KEY_NAME) {
            throw MALFORMED;
        }
        return json.getString();
    }

    /** What {@code msg} holds; a field of the wrong type counts as absent. */
    private static final class Fields {
        String namespace;
        String topic;
        String data;
        boolean binary;
    }

    /** Reads the {@code msg} object (level 2; its START_OBJECT consumed) up to and including its END_OBJECT. */
    private static Fields fields(JsonParser json) {
        Fields fields = new Fields();
        for (Event event = next(json); event != Event.END_OBJECT; event = next(json)) {
            String key = key(json, event);
            Event value = next(json);
            String text = value == Event.VALUE_STRING ? json.getString() : null;
            switch (key) {
                case "namespace" -> fields.namespace = text;
                case "topic" -> fields.topic = text;
                case "data" -> fields.data = text;
                case "binary" -> fields.binary = truthy(json, value);
                default -> { }
            }
            consume(json, value, 3);
        }
        return fields;
    }

    /** JavaScript truthiness of the value just read (a number as {@code JSON.parse} reads it, to a double). */
    private static boolean truthy(JsonParser json, Event value) {
        return switch (value) {
            case VALUE_TRUE, START_OBJECT, START_ARRAY -> true;
            case VALUE_STRING -> !json.getString().isEmpty();
            case VALUE_NUMBER -> Double.parseDouble(json.getString()) != 0;
            default -> false;
        };
    }

    /**
     * Consumes the rest of the value that began with {@code first}: nothing for a scalar, everything up to the
     * matching end for a container, which would be at nesting level {@code level}. Iterative; deeper than
     * {@link #MAX_DEPTH}, or the input ending first, is malformed.
     */
    private static void consume(JsonParser json, Event first, int level) {
        switch (first) {
            case START_OBJECT, START_ARRAY -> { }
            case KEY_NAME, END_OBJECT, END_ARRAY -> throw MALFORMED; // not a value: a broken parser
            default -> {
                return;
            }
        }
        int open = 1;
        if (level > MAX_DEPTH) {
            throw MALFORMED;
        }
        while (open > 0) {
            switch (next(json)) {
                case START_OBJECT, START_ARRAY -> {
                    open++;
                    if (level + open - 1 > MAX_DEPTH) {
                        throw MALFORMED;
                    }
                }
                case END_OBJECT, END_ARRAY -> open--;
                default -> { }
            }
        }
    }
}
