package org.synchub.driver.pgsql;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.UUID;

/**
 * The NOTIFY payload that stands for an offloaded envelope: {@code {"id":"<sender>","ref":"<uuid>"}}. It has no
 * {@code msg}, so crossws's {@code decodeEnvelope} rejects it (it requires {@code msg.namespace} and
 * {@code msg.topic} to be strings) and a crossws peer on the channel never delivers it; SyncHub's pgsql driver
 * resolves it from the payload table instead. Stateless and thread-safe.
 *
 * @param sender the sending hub instance's id
 * @param id     the payload row's id
 */
record PayloadReference(String sender, UUID id) {

    /** A reference frame is never longer than this (an id of a few hundred chars at most). */
    static final int MAX_CHARS = 512;

    /** @return the JSON text of this reference */
    String encode() {
        StringWriter out = new StringWriter(96 + sender.length());
        try (JsonGenerator json = Json.createGenerator(out)) {
            json.writeStartObject().write("id", sender).write("ref", id.toString()).writeEnd();
        }
        return out.toString();
    }

    /**
     * The reference in {@code frame}, or null when it is anything else (an envelope, a probe, garbage): a JSON
     * object with a string {@code id}, a string {@code ref} holding a UUID, and no {@code msg}. Never throws.
     *
     * @param frame a NOTIFY payload
     * @return the reference, or null
     */
    static PayloadReference parse(String frame) {
        if (frame == null || frame.length() > MAX_CHARS || !frame.contains("\"ref\"")) {
            return null; // the cheap test first: envelopes and probes are never parsed twice
        }
        try (JsonReader reader = Json.createReader(new StringReader(frame))) {
            JsonValue root = reader.readValue();
            if (!(root instanceof JsonObject object) || object.containsKey("msg")
                    || !(object.get("id") instanceof JsonString sender)
                    || !(object.get("ref") instanceof JsonString ref)) {
                return null;
            }
            return new PayloadReference(sender.getString(), UUID.fromString(ref.getString()));
        } catch (RuntimeException notAReference) {
            return null;
        }
    }
}
