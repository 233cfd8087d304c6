package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;
import org.synchub.presence.SyncPresenceEvent;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence over real Tyrus sessions and hubs on one in-JVM channel (each hub standing for an instance): every
 * hub's view agrees, first-join/last-leave across tabs and instances, a dead instance's members expire with one
 * LEAVE each, a stress of joins and leaves from many threads ends with every view equal to the open sessions, the
 * host driver refuses presence, and presence frames never reach a session as a message.
 */
class PresenceClusterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ROOM = "room-1";

    /** Which hub each server session belongs to: the application's {@code @OnClose} unsubscribes it there. */
    private final Map<Session, SyncHub> owners = new ConcurrentHashMap<>();
    @RegisterExtension
    final SessionServer server = new SessionServer(session -> {
        SyncHub hub = owners.get(session);
        if (hub != null) {
            hub.unsubscribeAll(session);
        }
    }, Cleanup.bestEffort());
    private final String channel = "presence-" + System.nanoTime();
    private final List<SyncFailure> failures = new CopyOnWriteArrayList<>();

    /** A hub on the test's channel with presence on {@code room-*}, recording its events. */
    private SyncHub hub(Collection<SyncPresenceEvent> events, Duration ttl) {
        return server.keep(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).presenceTopics("room-*")
                .presenceTtl(ttl).onPresence(events::add).onFailure(failures::add).build());
    }

    private SyncHub hub(Collection<SyncPresenceEvent> events) {
        return hub(events, Duration.ofSeconds(30));
    }

    /** A client connected to {@code hub}, its server session identified as {@code user} (null: default identity). */
    private Session join(SyncHub hub, String user, String topic) throws Exception {
        server.connect("/chat");
        Session session = server.nextSession();
        owners.put(session, hub);
        if (user != null) {
            hub.presence().identify(session, user, "{\"name\":\"" + user + "\"}");
        }
        hub.subscribe(session, topic);
        return session;
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Set<String> keys(SyncHub hub, String topic) {
        return get(hub.presence().members(topic)).stream().map(SyncMember::key).collect(Collectors.toSet());
    }

    private static String key(SyncHub hub, Session session) {
        return hub.instanceId() + ":" + session.getId();
    }

    private static void awaitView(List<SyncHub> hubs, String topic, Set<String> expected, SyncPresence.Count count) {
        for (SyncHub hub : hubs) {
            Await.until(TIMEOUT, hub + " to see " + expected, () -> keys(hub, topic).equals(expected)
                    && (count == null || get(hub.presence().count(topic)).equals(count)));
        }
    }

    private static long count(Collection<SyncPresenceEvent> events, SyncPresenceEvent.Type type, String user) {
        return events.stream().filter(e -> e.type() == type && e.member().userId().equals(user)).count();
    }

    @Test
    void membersAndCountsAgreeOnEveryInstance() throws Exception {
        List<SyncPresenceEvent> events = new CopyOnWriteArrayList<>();
        SyncHub a = hub(events);
        SyncHub b = hub(events);
        SyncHub c = hub(events);
        List<SyncHub> hubs = List.of(a, b, c);
        Session aliceOnA = join(a, "alice", ROOM);
        Session aliceOnB = join(b, "alice", ROOM);
        Session bobOnC = join(c, "bob", ROOM);
        Session anonymous = join(a, null, ROOM);
        Session elsewhere = join(b, "carol", "lobby");
        IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
                () -> b.presence().identify(elsewhere, "carol", "x".repeat(1_025)));
        assertTrue(tooLarge.getMessage().contains(SyncHubBuilder.PRESENCE_INFO_MAX_BYTES), tooLarge.getMessage());
        assertFalse(b.presence().enabled("lobby"));
        assertTrue(b.presence().enabled(ROOM));

        awaitView(hubs, ROOM, Set.of(key(a, aliceOnA), key(b, aliceOnB), key(c, bobOnC), key(a, anonymous)),
                new SyncPresence.Count(4, 3));
        SyncMember anon = get(c.presence().members(ROOM)).stream()
                .filter(m -> m.connectionId().equals(anonymous.getId())).findFirst().orElseThrow();
        assertEquals(anonymous.getId(), anon.userId(), "no principal, no identity: the session is its own user");
        assertEquals(null, anon.info());
        SyncMember alice = get(c.presence().members(ROOM)).stream()
                .filter(m -> m.connectionId().equals(aliceOnB.getId())).findFirst().orElseThrow();
        assertEquals(new SyncMember("alice", aliceOnB.getId(), b.instanceId(), "/chat", "{\"name\":\"alice\"}"),
                alice);
        assertEquals(List.of(), get(a.presence().members("lobby")), "lobby is no presence topic");
        assertEquals(new SyncPresence.Count(0, 0), get(a.presence().count("lobby")));

        a.unsubscribe(aliceOnA, ROOM);
        bobOnC.close(); // the application's onClose unsubscribes it
        awaitView(hubs, ROOM, Set.of(key(b, aliceOnB), key(a, anonymous)), new SyncPresence.Count(2, 2));
        assertTrue(elsewhere.isOpen());
        assertEquals(List.of(), failures);
    }

    @Test
    void aUserJoinsOnceAndLeavesOnceAcrossTabsAndInstances() throws Exception {
        Map<SyncHub, List<SyncPresenceEvent>> seen = new HashMap<>();
        List<SyncHub> hubs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<SyncPresenceEvent> events = new CopyOnWriteArrayList<>();
            SyncHub hub = hub(events);
            hubs.add(hub);
            seen.put(hub, events);
        }
        SyncHub a = hubs.get(0);
        SyncHub b = hubs.get(1);
        List<Session> tabs = new ArrayList<>();
        tabs.add(join(a, "alice", ROOM));
        tabs.add(join(b, "alice", ROOM));
        tabs.add(join(a, "alice", ROOM));
        join(b, "bob", ROOM);
        for (SyncHub hub : hubs) {
            List<SyncPresenceEvent> events = seen.get(hub);
            Await.until(TIMEOUT, "4 joins on " + hub, () -> events.size() >= 4);
            assertEquals(3, count(events, SyncPresenceEvent.Type.JOIN, "alice"), "each join once: " + events);
            assertEquals(1, events.stream().filter(e -> e.member().userId().equals("alice"))
                    .filter(SyncPresenceEvent::firstForUser).count(), "one first join of alice: " + events);
            assertEquals(1, events.stream().filter(e -> e.member().userId().equals("bob"))
                    .filter(SyncPresenceEvent::firstForUser).count());
            assertTrue(events.stream().allMatch(e -> e.instanceId().equals(hub.instanceId())
                    && e.topic().equals(ROOM)
                    && ("{\"name\":\"" + e.member().userId() + "\"}").equals(e.member().info())));
        }
        for (int closed = 1; closed <= tabs.size(); closed++) {
            tabs.get(closed - 1).close();
            int leaves = closed;
            for (SyncHub hub : hubs) {
                List<SyncPresenceEvent> events = seen.get(hub);
                Await.until(TIMEOUT, leaves + " leave(s) of alice on " + hub,
                        () -> count(events, SyncPresenceEvent.Type.LEAVE, "alice") >= leaves);
                List<SyncPresenceEvent> aliceLeaves = events.stream()
                        .filter(e -> e.type() == SyncPresenceEvent.Type.LEAVE && e.member().userId().equals("alice"))
                        .toList();
                assertEquals(leaves, aliceLeaves.size(), "each leave once: " + events);
                assertEquals(closed == tabs.size(), aliceLeaves.get(leaves - 1).lastForUser(),
                        "only the last tab's leave is alice's last: " + aliceLeaves);
                assertFalse(aliceLeaves.get(leaves - 1).expired());
            }
        }
        awaitView(hubs, ROOM, Set.of(key(b, owners.entrySet().stream().filter(e -> e.getValue() == b
                && e.getKey().isOpen()).findFirst().orElseThrow().getKey())), new SyncPresence.Count(1, 1));
    }

    @Test
    void theMembersOfADeadInstanceExpireWithOneLeaveEach() throws Exception {
        Duration ttl = Duration.ofMillis(900);
        List<SyncPresenceEvent> onA = new CopyOnWriteArrayList<>();
        List<SyncPresenceEvent> onB = new CopyOnWriteArrayList<>();
        List<SyncPresenceEvent> onC = new CopyOnWriteArrayList<>();
        SyncHub a = hub(onA, ttl);
        SyncHub b = hub(onB, ttl);
        SyncHub c = hub(onC, ttl);
        Session alice = join(a, "alice", ROOM);
        Session bob = join(a, "bob", ROOM);
        Session carol = join(b, "carol", ROOM);
        awaitView(List.of(a, b, c), ROOM, Set.of(key(a, alice), key(a, bob), key(b, carol)), null);
        Await.until(TIMEOUT, "the joins everywhere", () -> onB.size() >= 3 && onC.size() >= 3);

        ((DefaultSyncHub) a).presenceTracker().halt(); // a dies: no more refresh, and no leave from it
        long died = System.nanoTime();
        a.close();
        Await.until(TIMEOUT, "alice and bob to vanish on b", () -> keys(b, ROOM).equals(Set.of(key(b, carol))));
        long vanishedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died);
        assertTrue(vanishedMillis >= ttl.toMillis() * 2 / 3 - 100, "not before the ttl after its last refresh (at "
                + "most ttl/3 before it died): " + vanishedMillis + " ms");
        for (List<SyncPresenceEvent> events : List.of(onB, onC)) {
            Await.until(TIMEOUT, "two expiry leaves", () -> events.stream()
                    .filter(e -> e.type() == SyncPresenceEvent.Type.LEAVE).count() >= 2);
        }
        assertEquals(Set.of(key(b, carol)), keys(c, ROOM)); // one more read and expiry round on each
        assertEquals(Set.of(key(b, carol)), keys(b, ROOM));
        for (List<SyncPresenceEvent> events : List.of(onB, onC)) {
            List<SyncPresenceEvent> leaves = events.stream()
                    .filter(e -> e.type() == SyncPresenceEvent.Type.LEAVE).toList();
            assertEquals(Set.of("alice", "bob"), leaves.stream().map(e -> e.member().userId())
                    .collect(Collectors.toSet()), "one leave each: " + leaves);
            assertEquals(2, leaves.size(), "one leave each: " + leaves);
            assertTrue(leaves.stream().allMatch(e -> e.expired() && e.lastForUser()), leaves.toString());
        }
        assertEquals(new SyncPresence.Count(1, 1), get(c.presence().count(ROOM)));
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
        Await.until(TIMEOUT, "b to take a for dead", () -> keys(b, ROOM).equals(Set.of(key(b, bob))));
        Await.until(TIMEOUT, "alice's expiry leave", () -> onB.stream().anyMatch(e -> e.expired()
                && e.member().userId().equals("alice")));
        slow.skipRefresh = false;
        awaitView(List.of(a, b), ROOM, everyone, new SyncPresence.Count(2, 2));
        Await.until(TIMEOUT, "alice's join again", () -> onB.stream().filter(e -> e.firstForUser()
                && e.member().userId().equals("alice")).count() == 2);
        assertTrue(alice.isOpen());
    }

    @Test
    void afterJoinsAndLeavesFromManyThreadsEveryViewEqualsTheOpenSessions() throws Exception {
        Queue<SyncPresenceEvent> onA = new ConcurrentLinkedQueue<>(); // many events: no copy-on-write
        Queue<SyncPresenceEvent> onB = new ConcurrentLinkedQueue<>();
        SyncHub a = hub(onA);
        SyncHub b = hub(onB);
        List<SyncHub> hubs = List.of(a, b);
        String[] topics = {"room-1", "room-2", "lobby"};
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sessions.add(join(hubs.get(i % 2), "user" + (i % 9), topics[i % topics.length]));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try {
                    while (running.get()) {
                        Session session = sessions.get(random.nextInt(sessions.size()));
                        SyncHub hub = owners.get(session);
                        String topic = topics[random.nextInt(topics.length)];
                        switch (random.nextInt(10)) {
                            case 0 -> hub.unsubscribeAll(session);
                            case 1, 2, 3, 4 -> hub.unsubscribe(session, topic);
                            default -> hub.subscribe(session, topic);
                        }
                    }
                } catch (Throwable e) {
                    thrown.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until) {
            Thread.sleep(50);
        }
        for (int i = 0; i < 6; i++) { // some sessions close meanwhile
            sessions.get(i * 5).close();
        }
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TIMEOUT.toMillis());
        }
        assertEquals(List.of(), thrown);
        for (String topic : List.of("room-1", "room-2")) {
            Set<String> expected = new HashSet<>();
            Set<String> users = new HashSet<>();
            for (int i = 0; i < sessions.size(); i++) {
                Session session = sessions.get(i);
                SyncHub hub = owners.get(session);
                if (session.isOpen() && hub.topics(session).contains(topic)) {
                    expected.add(key(hub, session));
                    users.add("user" + (i % 9));
                }
            }
            awaitView(hubs, topic, expected, new SyncPresence.Count(expected.size(), users.size()));
            for (Queue<SyncPresenceEvent> events : List.of(onA, onB)) {
                Await.until(TIMEOUT, "joins minus leaves of " + topic + " = its members", () -> {
                    long joins = events.stream().filter(e -> e.topic().equals(topic)
                            && e.type() == SyncPresenceEvent.Type.JOIN).count();
                    long leaves = events.stream().filter(e -> e.topic().equals(topic)
                            && e.type() == SyncPresenceEvent.Type.LEAVE).count();
                    return joins - leaves == expected.size();
                });
            }
        }
        assertEquals(List.of(), failures);
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
