package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncHub;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.presence.SyncPresence;
import org.synchub.presence.SyncPresenceEvent;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence on one in-JVM channel (each hub standing for an instance): what every backplane checks
 * ({@link PresenceHubsContract}), and beyond it an instance taken for dead coming back, the event limit, the host
 * driver refusing presence, and presence frames never reaching a session as a message.
 */
class PresenceClusterTest extends PresenceHubsContract {

    @Override
    SyncAdapter hubAdapter(String channel) {
        return JvmAdapter.channel(channel);
    }

    @Override
    Duration expiryTtl() {
        return Duration.ofMillis(900);
    }
    @Test
    void anInstanceTakenForDeadWritesItsMembersAgainWhenItRefreshes() throws Exception {
        Duration ttl = Duration.ofMillis(900);
        List<SyncPresenceEvent> onB = new CopyOnWriteArrayList<>();
        SyncHub a = hub(new CopyOnWriteArrayList<>(), ttl);
        SyncHub b = hub(onB, ttl);
        Session alice = join(a, "alice", ROOM);
        Session bob = join(b, "bob", ROOM);
        Set<String> everyone = Set.of(key(a, alice), key(b, bob));
        awaitView(List.of(a, b), ROOM, everyone, null);

        PresenceTracker slow = ((DefaultSyncHub) a).presenceTracker();
        slow.skipRefresh = true; // a stalls longer than the ttl (a long GC pause, a cut-off network)
        Await.until(TIMEOUT, "b to take a for dead", () -> Set.of(key(b, bob)).equals(keys(b, ROOM)));
        Await.until(TIMEOUT, "alice's expiry leave", () -> onB.stream().anyMatch(e -> e.expired()
                && e.member().userId().equals("alice")));
        slow.skipRefresh = false;
        awaitView(List.of(a, b), ROOM, everyone, new SyncPresence.Count(2, 2));
        Await.until(TIMEOUT, "alice's join again", () -> onB.stream().filter(e -> e.firstForUser()
                && e.member().userId().equals("alice")).count() == 2);
        assertTrue(alice.isOpen());
    }

    @Test
    void aTopicOverTheEventLimitSendsNoEventsButCounts() throws Exception {
        List<SyncPresenceEvent> onA = new CopyOnWriteArrayList<>();
        List<SyncPresenceEvent> onB = new CopyOnWriteArrayList<>();
        SyncHub a = server.keep(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).presenceTopics("room-*")
                .presenceEventsMaxMembers(2).onPresence(onA::add).build());
        SyncHub b = server.keep(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).presenceTopics("room-*")
                .presenceEventsMaxMembers(2).onPresence(onB::add).build());
        join(a, "u1", ROOM);
        join(b, "u2", ROOM);
        for (List<SyncPresenceEvent> events : List.of(onA, onB)) {
            Await.until(TIMEOUT, "the two joins within the limit", () -> events.size() >= 2);
        }
        Session third = join(a, "u3", ROOM);
        join(b, "u4", ROOM);
        for (SyncHub hub : List.of(a, b)) {
            Await.until(TIMEOUT, "four members counted", () -> get(hub.presence().count(ROOM))
                    .equals(new SyncPresence.Count(4, 4)));
        }
        a.unsubscribe(third, ROOM);
        for (SyncHub hub : List.of(a, b)) {
            Await.until(TIMEOUT, "three members counted", () -> get(hub.presence().count(ROOM))
                    .equals(new SyncPresence.Count(3, 3)));
        }
        assertEquals(2, onA.size(), "no events above the limit: " + onA);
        assertEquals(2, onB.size(), "no events above the limit: " + onB);
    }

    @Test
    void theHostDriverRefusesPresenceAtStartup() throws Exception {
        Path dir = Files.createTempDirectory("sh");
        Map<String, String> config = Map.of(SyncHubBuilder.DRIVER, "host", SyncHubBuilder.CHANNEL, channel,
                "synchub.host.dir", dir.toString(), SyncHubBuilder.PRESENCE_TOPICS, "room-*");
        SyncConfigurationException refused = assertThrows(SyncConfigurationException.class,
                () -> server.keep(SyncHubBuilder.create().configure(key -> Optional.ofNullable(config.get(key)))
                        .build()));
        assertEquals(SyncHubBuilder.PRESENCE_TOPICS, refused.key());
        assertTrue(refused.getMessage().contains("no presence store"), refused.getMessage());
        Map<String, String> off = new HashMap<>(config);
        off.remove(SyncHubBuilder.PRESENCE_TOPICS);
        SyncHub hub = server.keep(SyncHubBuilder.create().configure(key -> Optional.ofNullable(off.get(key))).build());
        assertFalse(hub.presence().enabled("room-1"), "without the key the host driver runs, presence off");
        assertEquals(List.of(), get(hub.presence().members("room-1")));
    }

    @Test
    void presenceFramesNeverReachASessionAsAMessage() throws Exception {
        List<SyncPresenceEvent> onA = new CopyOnWriteArrayList<>();
        List<SyncPresenceEvent> onB = new CopyOnWriteArrayList<>();
        SyncHub a = hub(onA);
        SyncHub b = hub(onB);
        TckClient listener = server.connect("/chat");
        Session listening = server.nextSession();
        owners.put(listening, b);
        b.subscribe(listening, ROOM);
        List<Session> joined = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            joined.add(join(a, "user" + i, ROOM));
        }
        Await.until(TIMEOUT, "b to hear a's 5 joins", () -> onB.stream()
                .filter(e -> e.member().instanceId().equals(a.instanceId())).count() >= 5);
        joined.forEach(session -> a.unsubscribe(session, ROOM));
        Await.until(TIMEOUT, "b to hear a's 5 joins and 5 leaves", () -> onB.stream()
                .filter(e -> e.member().instanceId().equals(a.instanceId())).count() >= 10);
        a.publish(ROOM, "marker");
        assertEquals("marker", listener.nextText(TIMEOUT), "nothing before the marker: presence is no message");
        assertEquals(0, b.counters().malformed(), "presence frames are not malformed frames either");
    }
}
