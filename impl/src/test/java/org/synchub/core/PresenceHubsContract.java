package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;
import org.synchub.presence.SyncPresenceEvent;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * What presence guarantees on every backplane, over real Tyrus sessions and several hubs each standing for an
 * instance: views agree on members and counts, a user's tabs on several instances give one first join and one last
 * leave, a dead instance's members expire with one LEAVE each, and a stress of joins and leaves from many threads
 * ends with every view equal to the open sessions. A subclass names the backplane ({@link #hubAdapter}) and adds
 * what is particular to it (restarts, killed processes, other drivers).
 *
 * <p>Not thread-safe: one instance per test method, as JUnit makes it.
 */
abstract class PresenceHubsContract {

    static final Duration TIMEOUT = Duration.ofSeconds(45);
    /** How long the many-thread stress runs ({@code -Dsynchub.test.stress-seconds}, 20 by default). */
    static final Duration STRESS = Duration.ofSeconds(Long.getLong("synchub.test.stress-seconds", 20));
    static final String ROOM = "room-1";

    /** Which hub each server session belongs to: the application's {@code @OnClose} unsubscribes it there. */
    final Map<Session, SyncHub> owners = new ConcurrentHashMap<>();
    /** The client side of each server session. */
    final Map<Session, TckClient> clients = new ConcurrentHashMap<>();
    @RegisterExtension
    final SessionServer server = new SessionServer(session -> {
        SyncHub hub = owners.get(session);
        if (hub != null) {
            hub.unsubscribeAll(session);
        }
    }, Cleanup.bestEffort());
    final String channel = "presence-" + UUID.randomUUID().toString().substring(0, 8);
    final List<SyncFailure> failures = new CopyOnWriteArrayList<>();

    /** @return a new adapter the hubs under test use for {@code channel} */
    abstract SyncAdapter hubAdapter(String channel);

    /** @return the short time to live of the expiry scenario: the backplane's refresh must fit in it */
    abstract Duration expiryTtl();

    /**
     * @return the least time after an instance's death before its members may vanish: a store keeps a member a ttl
     * after its instance's last refresh, which comes every ttl/3, so as early as 2/3 of the ttl (less a margin)
     */
    long earliestVanishMillis(Duration ttl) {
        return ttl.toMillis() * 2 / 3 - 100; // its last refresh was at most ttl/3 before it died
    }

    /**
     * @return whether the stress also checks that each hub's joins minus leaves come to the members: false where
     * events under the stress may be missed as documented (at most once: with topic routing a hub hears a topic only
     * while it has a subscriber there) or where the check has never held (pgsql)
     */
    boolean eventsBalanceUnderStress() {
        return true;
    }

    /** A hub with presence on {@code room-*}, recording its events and failures, once it listens to the backplane. */
    SyncHub hub(SyncAdapter adapter, Collection<SyncPresenceEvent> events, Duration ttl) {
        SyncHub hub = server.keep(SyncHubBuilder.create().adapter(adapter).presenceTopics("room-*")
                .presenceTtl(ttl).onPresence(events::add).onFailure(failures::add).build());
        // events are relayed at most once: one sent before another hub listens is not heard there
        Await.until(TIMEOUT, hub + " listening", () -> hub.health().ready());
        return hub;
    }

    SyncHub hub(Collection<SyncPresenceEvent> events, Duration ttl) {
        return hub(hubAdapter(channel), events, ttl);
    }

    SyncHub hub(Collection<SyncPresenceEvent> events) {
        return hub(events, Duration.ofSeconds(30));
    }

    /** A client connected to {@code hub}, its server session identified as {@code user} (null: default identity). */
    Session join(SyncHub hub, String user, String topic) throws Exception {
        TckClient client = server.connect("/chat");
        Session session = server.nextSession();
        clients.put(session, client);
        owners.put(session, hub);
        if (user != null) {
            hub.presence().identify(session, user, "{\"name\":\"" + user + "\"}");
        }
        hub.subscribe(session, topic);
        return session;
    }

    static <T> T get(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The member keys {@code hub} reads, or null while its read fails (an outage). */
    static Set<String> keys(SyncHub hub, String topic) {
        try {
            return hub.presence().members(topic).toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .stream().map(SyncMember::key).collect(Collectors.toSet());
        } catch (Exception e) {
            return null;
        }
    }

    /** The count {@code hub} reads, or null while its read fails (an outage). */
    static SyncPresence.Count count(SyncHub hub, String topic) {
        try {
            return hub.presence().count(topic).toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    static String key(SyncHub hub, Session session) {
        return hub.instanceId() + ":" + session.getId();
    }

    /** The member keys of hubs and their sessions, listed as {@code hub, session..., hub, session...}. */
    static Set<String> keysOf(Object... hubsAndSessions) {
        Set<String> out = new HashSet<>();
        SyncHub hub = null;
        for (Object o : hubsAndSessions) {
            if (o instanceof SyncHub h) {
                hub = h;
            } else {
                out.add(key(hub, (Session) o));
            }
        }
        return out;
    }

    static void awaitView(List<SyncHub> hubs, String topic, Set<String> expected, SyncPresence.Count count) {
        for (SyncHub hub : hubs) {
            Await.until(TIMEOUT, hub + " to see " + expected + (count == null ? "" : " and " + count),
                    () -> expected.equals(keys(hub, topic)) && (count == null || count.equals(count(hub, topic))));
        }
    }

    /**
     * Waits until each hub hears {@code topic} from another hub through the backplane: with topic routing, a hub
     * subscribes to a topic's bucket a moment after its first local subscriber, and events sent before that are not
     * heard there (at most once, like messages).
     *
     * @param hubs      the hubs
     * @param listeners for each hub (same index), a session of it subscribed to {@code topic}
     * @param topic     the topic
     */
    void awaitHearing(List<SyncHub> hubs, List<Session> listeners, String topic) {
        for (int i = 0; i < hubs.size(); i++) {
            SyncHub speaker = hubs.get((i + 1) % hubs.size());
            TckClient listener = clients.get(listeners.get(i));
            Await.until(TIMEOUT, hubs.get(i) + " to hear " + topic + " from " + speaker, () -> {
                speaker.publish(topic, "hello");
                return listener.pending() > 0;
            });
        }
    }

    static List<SyncPresenceEvent> of(Collection<SyncPresenceEvent> events, SyncPresenceEvent.Type type,
                                      String user) {
        return events.stream().filter(e -> e.type() == type && e.member().userId().equals(user)).toList();
    }

    static long count(Collection<SyncPresenceEvent> events, SyncPresenceEvent.Type type, String user) {
        return of(events, type, user).size();
    }

    @Test
    void membersAndCountsAgreeOnEveryInstance() throws Exception {
        List<SyncPresenceEvent> events = new CopyOnWriteArrayList<>();
        SyncHub a = hub(events);
        SyncHub b = hub(events);
        Session aliceOnA = join(a, "alice", ROOM);
        Session aliceOnB = join(b, "alice", ROOM);
        Session bobOnB = join(b, "bob", ROOM);
        Session anonymous = join(a, null, ROOM);
        join(a, "dave", "room-2");
        Session elsewhere = join(b, "erin", "lobby");
        IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
                () -> b.presence().identify(elsewhere, "erin", "x".repeat(1_025)));
        assertTrue(tooLarge.getMessage().contains(SyncHubBuilder.PRESENCE_INFO_MAX_BYTES), tooLarge.getMessage());
        assertFalse(b.presence().enabled("lobby"));
        assertTrue(b.presence().enabled(ROOM));
        awaitView(List.of(a, b), ROOM, keysOf(a, aliceOnA, anonymous, b, aliceOnB, bobOnB),
                new SyncPresence.Count(4, 3));

        SyncHub c = hub(events);
        Session carolOnC = join(c, "carol", ROOM);
        List<SyncHub> hubs = List.of(a, b, c);
        awaitView(hubs, ROOM, keysOf(a, aliceOnA, anonymous, b, aliceOnB, bobOnB, c, carolOnC),
                new SyncPresence.Count(5, 4));
        SyncMember anon = get(c.presence().members(ROOM)).stream()
                .filter(m -> m.connectionId().equals(anonymous.getId())).findFirst().orElseThrow();
        assertEquals(anonymous.getId(), anon.userId(), "no principal, no identity: the session is its own user");
        assertEquals(null, anon.info());
        SyncMember alice = get(c.presence().members(ROOM)).stream()
                .filter(m -> m.connectionId().equals(aliceOnB.getId())).findFirst().orElseThrow();
        assertEquals(new SyncMember("alice", aliceOnB.getId(), b.instanceId(), "/chat", "{\"name\":\"alice\"}"),
                alice, "the member as its instance wrote it");
        assertEquals(new SyncPresence.Count(1, 1), count(c, "room-2"), "topics are apart");
        assertEquals(List.of(), get(a.presence().members("lobby")), "lobby is no presence topic");
        assertEquals(new SyncPresence.Count(0, 0), get(a.presence().count("lobby")));

        a.unsubscribe(aliceOnA, ROOM);
        bobOnB.close(); // the application's onClose unsubscribes it
        awaitView(hubs, ROOM, keysOf(a, anonymous, b, aliceOnB, c, carolOnC), new SyncPresence.Count(3, 3));
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
        List<Session> watchers = new ArrayList<>();
        for (int i = 0; i < hubs.size(); i++) { // every hub keeps hearing the room (with topic routing, only
            watchers.add(join(hubs.get(i), "watcher-" + i, ROOM)); // instances with subscribers hear its events)
        }
        awaitHearing(hubs, watchers, ROOM);
        List<Session> tabs = new ArrayList<>();
        tabs.add(join(a, "alice", ROOM));
        tabs.add(join(b, "alice", ROOM));
        tabs.add(join(a, "alice", ROOM));
        awaitView(hubs, ROOM, keysOf(a, tabs.get(0), tabs.get(2), watchers.get(0), b, tabs.get(1),
                watchers.get(1), hubs.get(2), watchers.get(2)), new SyncPresence.Count(6, 4));
        for (SyncHub hub : hubs) {
            List<SyncPresenceEvent> events = seen.get(hub);
            Await.until(TIMEOUT, "alice's 3 joins on " + hub,
                    () -> count(events, SyncPresenceEvent.Type.JOIN, "alice") >= 3);
            assertEquals(3, count(events, SyncPresenceEvent.Type.JOIN, "alice"), "each join once: " + events);
            assertEquals(1, of(events, SyncPresenceEvent.Type.JOIN, "alice").stream()
                    .filter(SyncPresenceEvent::firstForUser).count(), "one first join of alice: " + events);
            assertTrue(events.stream().allMatch(e -> e.instanceId().equals(hub.instanceId())
                    && e.topic().equals(ROOM)
                    && ("{\"name\":\"" + e.member().userId() + "\"}").equals(e.member().info())), events.toString());
        }
        for (int closed = 1; closed <= tabs.size(); closed++) {
            tabs.get(closed - 1).close();
            int leaves = closed;
            for (SyncHub hub : hubs) {
                List<SyncPresenceEvent> events = seen.get(hub);
                Await.until(TIMEOUT, leaves + " leave(s) of alice on " + hub,
                        () -> count(events, SyncPresenceEvent.Type.LEAVE, "alice") >= leaves);
                List<SyncPresenceEvent> aliceLeaves = of(events, SyncPresenceEvent.Type.LEAVE, "alice");
                assertEquals(leaves, aliceLeaves.size(), "each leave once: " + events);
                assertEquals(closed == tabs.size(), aliceLeaves.get(leaves - 1).lastForUser(),
                        "only the last tab's leave is alice's last: " + aliceLeaves);
                assertFalse(aliceLeaves.get(leaves - 1).expired());
            }
        }
        awaitView(hubs, ROOM, keysOf(a, watchers.get(0), b, watchers.get(1), hubs.get(2), watchers.get(2)),
                new SyncPresence.Count(3, 3));
        assertEquals(List.of(), failures);
    }

    @Test
    void theMembersOfADeadInstanceExpireWithOneLeaveEach() throws Exception {
        Duration ttl = expiryTtl();
        List<SyncPresenceEvent> onB = new CopyOnWriteArrayList<>();
        List<SyncPresenceEvent> onC = new CopyOnWriteArrayList<>();
        SyncHub a = hub(new CopyOnWriteArrayList<>(), ttl);
        SyncHub b = hub(onB, ttl);
        SyncHub c = hub(onC, ttl);
        Session carol = join(b, "carol", ROOM);
        Session dave = join(c, "dave", ROOM);
        awaitHearing(List.of(b, c), List.of(carol, dave), ROOM);
        Session alice = join(a, "alice", ROOM);
        Session bob = join(a, "bob", ROOM);
        Session bobOnB = join(b, "bob", ROOM); // bob's second tab: his expiry on a is not his last leave
        awaitView(List.of(a, b, c), ROOM, keysOf(a, alice, bob, b, carol, bobOnB, c, dave), null);
        for (List<SyncPresenceEvent> events : List.of(onB, onC)) {
            Await.until(TIMEOUT, "alice's, bob's and bob's joins everywhere", () -> count(events,
                    SyncPresenceEvent.Type.JOIN, "alice") >= 1 && count(events, SyncPresenceEvent.Type.JOIN, "bob") >= 2);
        }

        ((DefaultSyncHub) a).presenceTracker().halt(); // a dies: no more refresh, and no leave from it
        long died = System.nanoTime();
        a.close(); // its connections go, as the kernel closes them after a kill -9; its members stay in the store
        Set<String> rest = keysOf(b, carol, bobOnB, c, dave);
        Await.until(TIMEOUT, "alice and bob of a to vanish on b", () -> rest.equals(keys(b, ROOM)));
        long vanishedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died);
        assertTrue(vanishedMillis >= earliestVanishMillis(ttl), "not before the ttl after a's last refresh: "
                + vanishedMillis + " ms");
        System.out.println("[presence " + getClass().getSimpleName() + "] a dead instance's members vanished after "
                + vanishedMillis + " ms (ttl " + ttl.toMillis() + " ms)");
        for (List<SyncPresenceEvent> events : List.of(onB, onC)) {
            Await.until(TIMEOUT, "two expiry leaves", () -> events.stream()
                    .filter(e -> e.type() == SyncPresenceEvent.Type.LEAVE).count() >= 2);
        }
        assertEquals(rest, keys(c, ROOM)); // one more read and expiry round on each
        assertEquals(rest, keys(b, ROOM));
        for (List<SyncPresenceEvent> events : List.of(onB, onC)) {
            List<SyncPresenceEvent> leaves = events.stream()
                    .filter(e -> e.type() == SyncPresenceEvent.Type.LEAVE).toList();
            assertEquals(2, leaves.size(), "one leave each: " + leaves);
            assertEquals(Set.of("alice", "bob"), leaves.stream().map(e -> e.member().userId())
                    .collect(Collectors.toSet()), "one leave each: " + leaves);
            assertTrue(leaves.stream().allMatch(e -> e.expired() && e.member().instanceId().equals(a.instanceId())),
                    leaves.toString());
            assertTrue(of(leaves, SyncPresenceEvent.Type.LEAVE, "alice").get(0).lastForUser());
            assertFalse(of(leaves, SyncPresenceEvent.Type.LEAVE, "bob").get(0).lastForUser(),
                    "bob still has his tab on b");
        }
        assertEquals(new SyncPresence.Count(3, 3), count(c, ROOM));
        assertTrue(carol.isOpen() && dave.isOpen());
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
        long until = System.nanoTime() + STRESS.toNanos();
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
            List<Queue<SyncPresenceEvent>> hearing = eventsBalanceUnderStress() ? List.of(onA, onB) : List.of();
            for (Queue<SyncPresenceEvent> events : hearing) {
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
}
