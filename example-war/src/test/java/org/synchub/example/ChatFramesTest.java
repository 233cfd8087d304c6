package org.synchub.example;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;

import java.io.StringReader;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chat endpoint's frames in rooms with history: each line gets its position and recovered flag as members of
 * its JSON object (whatever the object holds), lines without a position go out unchanged, anything that is not a JSON
 * object goes out unchanged, and the recovery frame says what the page needs.
 */
class ChatFramesTest {

    private static final String EPOCH_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

    @Test
    void everyJsonObjectLineGetsItsPositionAndRecoveredFlagAndKeepsItsMembers() {
        Random random = new Random(22);
        for (int i = 0; i < 2_000; i++) {
            JsonObject line = randomObject(random, 0);
            String payload = pad(random) + line + pad(random);
            SyncPosition position = random.nextInt(5) == 0 ? null : randomPosition(random);
            boolean recovered = random.nextBoolean();
            String frame = ChatEndpoint.POSITIONED.text(position, payload, recovered);
            if (position == null && !recovered) {
                assertEquals(payload, frame, "a live line without position goes out as it is");
                continue;
            }
            JsonObject parsed = parse(frame);
            assertEquals(recovered, parsed.getBoolean("recovered"), frame);
            assertEquals(position == null ? null : position.toString(), parsed.getString("pos", null), frame);
            assertEquals(position, position == null ? null : SyncPosition.parse(parsed.getString("pos")));
            for (String key : line.keySet()) {
                assertEquals(line.get(key), parsed.get(key), "member " + key + " of " + frame);
            }
            assertEquals(line.size() + (position == null ? 1 : 2), parsed.size(), frame);
        }
    }

    @Test
    void whatIsNotAJsonObjectGoesOutUnchanged() {
        Random random = new Random(7);
        SyncPosition position = new SyncPosition("e", 3);
        for (String payload : new String[] {"", " ", "{", "}", "plain text", "[1,2]", "\"s\"", "42", "{x"}) {
            assertEquals(payload, ChatEndpoint.POSITIONED.text(position, payload, true));
        }
        for (int i = 0; i < 500; i++) {
            String payload = randomText(random, 30);
            if (payload.strip().startsWith("{") && payload.strip().endsWith("}")) {
                continue;
            }
            assertEquals(payload, ChatEndpoint.POSITIONED.text(position, payload, random.nextBoolean()));
        }
    }

    @Test
    void theFramesOwnMembersReplaceSameNamedOnesSoThatThePageReadsOnlyThem() {
        String peer = "{\"type\":\"message\",\"pos\":\"x:1\",\"recovered\":true}";
        JsonObject live = parse(ChatEndpoint.POSITIONED.text(new SyncPosition("e", 9), peer, false));
        assertEquals(Json.createObjectBuilder().add("type", "message").add("pos", "e:9").add("recovered", false)
                .build(), live);
        JsonObject replayedWithoutPosition = parse(ChatEndpoint.POSITIONED.text(null, peer, true));
        assertEquals(Json.createObjectBuilder().add("type", "message").add("recovered", true).build(),
                replayedWithoutPosition, "a peer's pos is not passed off as a position of this room");
        assertEquals(Json.createObjectBuilder().add("recovered", true).add("pos", "e:1").build(),
                parse(ChatEndpoint.POSITIONED.text(new SyncPosition("e", 1), " { } ", true)));
    }

    @Test
    void theRecoveryFrameSaysCompleteOrRefusedWithTheReasonAndTheRoomsPosition() {
        SyncPosition top = new SyncPosition("ep0ch", 41);
        JsonObject complete = parse(ChatEndpoint.recoveryFrame(SyncRecovery.complete(3, top), true, true));
        assertEquals("recovery", complete.getString("type"));
        assertTrue(complete.getBoolean("resumed"));
        assertTrue(complete.getBoolean("complete"));
        assertEquals(3, complete.getInt("replayed"));
        assertEquals("ep0ch:41", complete.getString("pos"));
        assertFalse(complete.containsKey("reason"));

        JsonObject refused = parse(ChatEndpoint.recoveryFrame(
                SyncRecovery.refused(SyncRecovery.Reason.TOO_MANY, top), true, true));
        assertFalse(refused.getBoolean("complete"));
        assertEquals("TOO_MANY", refused.getString("reason"));
        assertEquals("ep0ch:41", refused.getString("pos"));

        JsonObject unavailable = parse(ChatEndpoint.recoveryFrame(
                SyncRecovery.refused(SyncRecovery.Reason.UNAVAILABLE, null), true, true));
        assertEquals("UNAVAILABLE", unavailable.getString("reason"));
        assertFalse(unavailable.containsKey("pos"), "no position when the store cannot be read");

        JsonObject fresh = parse(ChatEndpoint.recoveryFrame(SyncRecovery.complete(0, top), false, true));
        assertFalse(fresh.getBoolean("resumed"));
        assertTrue(fresh.getBoolean("complete"));
        assertEquals("ep0ch:41", fresh.getString("pos"), "a fresh join learns where the room is");

        JsonObject invalid = parse(ChatEndpoint.recoveryFrame(SyncRecovery.complete(0, top), true, false));
        assertFalse(invalid.getBoolean("complete"), "a resume from what is not a position is refused");
        assertEquals("INVALID_POSITION", invalid.getString("reason"));
        assertEquals("ep0ch:41", invalid.getString("pos"), "and learns where the room is");
    }

    private static JsonObject parse(String frame) {
        return Json.createReader(new StringReader(frame)).readObject();
    }

    private static SyncPosition randomPosition(Random random) {
        StringBuilder epoch = new StringBuilder();
        for (int i = 1 + random.nextInt(64); i > 0; i--) {
            epoch.append(EPOCH_CHARS.charAt(random.nextInt(EPOCH_CHARS.length())));
        }
        long offset = random.nextInt(3) == 0 ? Long.MAX_VALUE - random.nextInt(10) : random.nextInt(1_000_000);
        return new SyncPosition(epoch.toString(), offset);
    }

    private static JsonObject randomObject(Random random, int depth) {
        JsonObjectBuilder object = Json.createObjectBuilder();
        for (int i = random.nextInt(depth == 0 ? 6 : 3); i > 0; i--) {
            String key = randomText(random, 8);
            if (key.equals("pos") || key.equals("recovered")) {
                continue;
            }
            switch (random.nextInt(5)) {
                case 0 -> object.add(key, randomText(random, 20));
                case 1 -> object.add(key, random.nextLong());
                case 2 -> object.add(key, random.nextBoolean());
                case 3 -> object.addNull(key);
                default -> object.add(key, depth < 2 ? randomObject(random, depth + 1) : Json.createObjectBuilder().build());
            }
        }
        return object.build();
    }

    /** Text with quotes, backslashes, braces, controls, non-ASCII and surrogate pairs. */
    private static String randomText(Random random, int max) {
        String specials = "\"\\{}[],: \n\t\u0000\u00e9\u4e2d";
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(max + 1); i > 0; i--) {
            int kind = random.nextInt(4);
            if (kind == 0) {
                text.append(specials.charAt(random.nextInt(specials.length())));
            } else if (kind == 1) {
                text.appendCodePoint(0x1F600 + random.nextInt(40));
            } else {
                text.append((char) ('a' + random.nextInt(26)));
            }
        }
        return text.toString();
    }

    private static String pad(Random random) {
        return " \n\t".substring(0, random.nextInt(4));
    }
}
