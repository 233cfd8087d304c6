package org.synchub.core;

import org.junit.jupiter.api.Test;
import org.synchub.SyncConfigurationException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The presence keys: read once into the settings, wrong values refused naming their key, topic patterns. */
class PresenceConfigTest {

    private static HubSettings configured(Map<String, String> keys) {
        return SyncHubBuilder.create().adapter(org.synchub.driver.jvm.JvmAdapter.channel("c"))
                .configure(key -> Optional.ofNullable(keys.get(key))).settings();
    }

    @Test
    void keysAreReadIntoTheSettings() {
        PresenceSettings presence = configured(Map.of(SyncHubBuilder.PRESENCE_TOPICS, " room-* , lobby,,",
                SyncHubBuilder.PRESENCE_TTL_SECONDS, "12", SyncHubBuilder.PRESENCE_EVENTS_MAX_MEMBERS, "0",
                SyncHubBuilder.PRESENCE_INFO_MAX_BYTES, "64")).presence();
        assertEquals(new PresenceSettings(List.of("room-*", "lobby"), 12_000, 0, 64), presence);
        assertEquals(4_000, presence.refreshMillis());
        PresenceSettings off = configured(Map.of()).presence();
        assertFalse(off.enabled());
        assertEquals(30_000, off.ttlMillis());
        assertEquals(1_000, off.eventsMaxMembers());
        assertEquals(1_024, off.infoMaxBytes());
    }

    @Test
    void wrongValuesNameTheirKey() {
        for (Map.Entry<String, String> wrong : Map.of(SyncHubBuilder.PRESENCE_TTL_SECONDS, "0",
                SyncHubBuilder.PRESENCE_EVENTS_MAX_MEMBERS, "-1", SyncHubBuilder.PRESENCE_INFO_MAX_BYTES, "70000")
                .entrySet()) {
            SyncConfigurationException e = assertThrows(SyncConfigurationException.class,
                    () -> configured(Map.of(wrong.getKey(), wrong.getValue())));
            assertEquals(wrong.getKey(), e.key());
        }
        assertEquals(SyncHubBuilder.PRESENCE_TTL_SECONDS, assertThrows(SyncConfigurationException.class,
                () -> configured(Map.of(SyncHubBuilder.PRESENCE_TTL_SECONDS, "abc"))).key());
        assertThrows(SyncConfigurationException.class,
                () -> SyncHubBuilder.create().presenceTtl(Duration.ofHours(2)));
    }

    @Test
    void patternsMatchWholeTopicsWithStarsAnywhere() {
        Pattern topics = new PresenceSettings(List.of("room-*", "lobby", "a*b*c", "x.y"), 1_000, 1, 1).regex();
        for (String yes : List.of("room-", "room-1", "room-a-b", "lobby", "abc", "a-b-c", "x.y")) {
            assertTrue(topics.matcher(yes).matches(), yes);
        }
        for (String no : List.of("xroom-1", "Room-1", "lobby2", "ab", "xzy", "")) {
            assertFalse(topics.matcher(no).matches(), no);
        }
        assertFalse(new PresenceSettings(List.of(), 1_000, 1, 1).regex().matcher("").matches());
    }
}
