package org.synchub.internal;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresenceEvent;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The frame that carries a presence event between instances:
 * <pre>{"id":"&lt;origin&gt;","presence":{"type":"join","topic":"…","user":"…","conn":"…","instance":"…","ns":"…",
 * "info":"…","edge":true,"expired":false}}</pre>
 * It has no {@code msg} field, so crossws's decoder (and {@code EnvelopeCodec.decode}) rejects it, as it does the
 * self-probe: a presence frame never reaches a session as a message. {@code info} is absent when null. Decoding
 * walks a flat object (anything nested inside {@code presence} is rejected), never throws, and does one pass.
 * Stateless and thread-safe.
 */
public final class PresenceFrames {

    /**
     * A decoded frame.
     *
     * @param origin the instance that sent it
     * @param event  the event, with the origin's instance id (the receiver re-stamps it)
     */
    public record Decoded(String origin, SyncPresenceEvent event) {
    }

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonGeneratorFactory WRITERS = JSON.createGeneratorFactory(Map.of());
    private static final JsonParserFactory READERS = JSON.createParserFactory(Map.of());

    private PresenceFrames() {
    }

    /**
     * The frame of {@code event} sent by {@code origin}.
     *
     * @param origin the sending instance
     * @param event  the event
     * @return the frame's UTF-8 bytes
     */
    public static byte[] encode(String origin, SyncPresenceEvent event) {
        SyncMember m = event.member();
        StringWriter out = new StringWriter(160 + event.topic().length() + (m.info() == null ? 0 : m.info().length()));
        try (JsonGenerator json = WRITERS.createGenerator(out)) {
            json.writeStartObject().write("id", origin).writeStartObject("presence")
                    .write("type", event.type() == SyncPresenceEvent.Type.JOIN ? "join" : "leave")
                    .write("topic", event.topic())
                    .write("user", m.userId())
                    .write("conn", m.connectionId())
                    .write("instance", m.instanceId())
                    .write("ns", m.namespace());
            if (m.info() != null) {
                json.write("info", m.info());
            }
            json.write("edge", event.userEdge()).write("expired", event.expired()).writeEnd().writeEnd();
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The presence frame in {@code text}, or empty when it is not one (or longer than {@code maxChars}).
     *
     * @param text     a frame received from the backplane
     * @param maxChars the longest frame parsed
     * @return the decoded frame, or empty
     */
    public static Optional<Decoded> decode(String text, int maxChars) {
        if (text == null || text.length() > maxChars || !text.contains("\"presence\"")) {
            return Optional.empty();
        }
        try (JsonParser json = READERS.createParser(new StringReader(text))) {
            return Optional.ofNullable(walk(json));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    private static Decoded walk(JsonParser json) {
        if (!json.hasNext() || json.next() != Event.START_OBJECT) {
            return null;
        }
        String id = null;
        Map<String, Object> fields = null;
        for (Event e = next(json); e != Event.END_OBJECT; e = next(json)) {
            if (e != Event.KEY_NAME) {
                return null;
            }
            String key = json.getString();
            Event value = next(json);
            if (key.equals("id") && value == Event.VALUE_STRING) {
                id = json.getString();
            } else if (key.equals("presence") && value == Event.START_OBJECT) {
                fields = flat(json);
                if (fields == null) {
                    return null;
                }
            } else if (value == Event.START_OBJECT || value == Event.START_ARRAY || key.equals("msg")) {
                return null; // only flat frames; and a msg makes it an envelope, not presence
            }
        }
        if (json.hasNext() || id == null || fields == null) {
            return null;
        }
        Object type = fields.get("type");
        SyncPresenceEvent.Type kind = "join".equals(type) ? SyncPresenceEvent.Type.JOIN
                : "leave".equals(type) ? SyncPresenceEvent.Type.LEAVE : null;
        String topic = string(fields, "topic");
        String user = string(fields, "user");
        String conn = string(fields, "conn");
        String instance = string(fields, "instance");
        String ns = string(fields, "ns");
        if (kind == null || topic == null || user == null || conn == null || instance == null || ns == null) {
            return null;
        }
        SyncMember member = new SyncMember(user, conn, instance, ns, string(fields, "info"));
        return new Decoded(id, new SyncPresenceEvent(id, kind, topic, member,
                Boolean.TRUE.equals(fields.get("edge")), Boolean.TRUE.equals(fields.get("expired"))));
    }

    /** The scalar fields of a flat object (START_OBJECT consumed); null if anything is nested. */
    private static Map<String, Object> flat(JsonParser json) {
        Map<String, Object> fields = new java.util.HashMap<>();
        for (Event e = next(json); e != Event.END_OBJECT; e = next(json)) {
            if (e != Event.KEY_NAME) {
                return null;
            }
            String key = json.getString();
            switch (next(json)) {
                case VALUE_STRING -> fields.put(key, json.getString());
                case VALUE_TRUE -> fields.put(key, Boolean.TRUE);
                case VALUE_FALSE -> fields.put(key, Boolean.FALSE);
                case VALUE_NULL, VALUE_NUMBER -> fields.remove(key);
                default -> {
                    return null;
                }
            }
        }
        return fields;
    }

    private static String string(Map<String, Object> fields, String key) {
        return fields.get(key) instanceof String s ? s : null;
    }

    private static Event next(JsonParser json) {
        if (!json.hasNext()) {
            throw new IllegalStateException("truncated");
        }
        return json.next();
    }
}
