package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.driver.pgsql.PgsqlAdapter;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;
import org.synchub.presence.SyncPresenceEvent;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.testing.ClassPostgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence over the pgsql driver: real Tyrus sessions, hubs standing for instances, one private PostgreSQL server.
 * Two and three hubs agree on members and counts, a user's tabs on two instances give one first join and one last
 * leave, a PostgreSQL restart (clean, and a crash that empties the unlogged tables) drops nobody and the view comes
 * back, and the members of an instance that stops refreshing leave within the time to live, once each.
 */
class PgsqlPresenceClusterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    private static final String ROOM = "room-1";

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres("synchub-presence");

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

    private SyncHub hub(Collection<SyncPresenceEvent> events, Duration ttl) {
        PgsqlAdapter adapter = PgsqlAdapter.url(POSTGRES.server().jdbcUrl(), POSTGRES.server().user(), null, channel);
        SyncHub hub = server.keep(SyncHubBuilder.create().adapter(adapter).presenceTopics("room-*")
                .presenceTtl(ttl).onPresence(events::add).onFailure(failures::add).build());
        // events are relayed at most once: one sent before another hub LISTENs is not heard there
        Await.until(TIMEOUT, hub + " listening", () -> hub.health().ready());
        return hub;
    }

    private Session join(SyncHub hub, String user) throws Exception {
        server.connect("/chat");
        Session session = server.nextSession();
        owners.put(session, hub);
        hub.presence().identify(session, user, "{\"name\":\"" + user + "\"}");
        hub.subscribe(session, ROOM);
        return session;
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The member keys {@code hub} reads, or null while reads fail (an outage). */
    private static Set<String> keys(SyncHub hub) {
        try {
            return get(hub.presence().members(ROOM)).stream().map(SyncMember::key).collect(Collectors.toSet());
        } catch (Exception e) {
            return null;
        }
    }

    private static SyncPresence.Count count(SyncHub hub) {
        try {
            return get(hub.presence().count(ROOM));
        } catch (Exception e) {
            return null;
        }
    }

    private static String key(SyncHub hub, Session session) {
        return hub.instanceId() + ":" + session.getId();
    }

    private static void awaitView(List<SyncHub> hubs, Set<String> expected, SyncPresence.Count count) {
        for (SyncHub hub : hubs) {
            Await.until(TIMEOUT, hub + " to see " + expected + " " + count, () -> expected.equals(keys(hub))
                    && count.equals(count(hub)));
        }
    }

    private static List<SyncPresenceEvent> of(Collection<SyncPresenceEvent> events, SyncPresenceEvent.Type type,
                                              String user) {
        return events.stream().filter(e -> e.type() == type && e.member().userId().equals(user)).toList();
    }

    @Test
    void threeHubsAgreeAndTabsOnTwoInstancesGiveOneFirstJoinAndOneLastLeave() throws Exception {
        Map<SyncHub, List<SyncPresenceEvent>> seen = new ConcurrentHashMap<>();
        List<SyncHub> hubs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<SyncPresenceEvent> events = new CopyOnWriteArrayList<>();
            SyncHub hub = hub(events, Duration.ofSeconds(30));
            hubs.add(hub);
            seen.put(hub, events);
        }
        SyncHub a = hubs.get(0);
        SyncHub b = hubs.get(1);
        SyncHub c = hubs.get(2);
        List<Session> tabs = List.of(join(a, "alice"), join(b, "alice"), join(a, "alice"));
        Session bob = join(c, "bob");
        Set<String> all = Set.of(key(a, tabs.get(0)), key(b, tabs.get(1)), key(a, tabs.get(2)), key(c, bob));
        awaitView(hubs, all, new SyncPresence.Count(4, 2));
        for (SyncHub hub : hubs) {
            List<SyncPresenceEvent> events = seen.get(hub);
            Await.until(TIMEOUT, "4 joins on " + hub, () -> events.size() >= 4);
            assertEquals(3, of(events, SyncPresenceEvent.Type.JOIN, "alice").size(), "each join once: " + events);
            assertEquals(1, of(events, SyncPresenceEvent.Type.JOIN, "alice").stream()
                    .filter(SyncPresenceEvent::firstForUser).count(), "alice joined once: " + events);
        }
        for (int closed = 1; closed <= tabs.size(); closed++) {
            tabs.get(closed - 1).close();
            int leaves = closed;
            for (SyncHub hub : hubs) {
                List<SyncPresenceEvent> events = seen.get(hub);
                Await.until(TIMEOUT, leaves + " leave(s) of alice on " + hub,
                        () -> of(events, SyncPresenceEvent.Type.LEAVE, "alice").size() >= leaves);
                List<SyncPresenceEvent> aliceLeaves = of(events, SyncPresenceEvent.Type.LEAVE, "alice");
                assertEquals(leaves, aliceLeaves.size(), "each leave once: " + events);
                assertEquals(closed == tabs.size(), aliceLeaves.get(leaves - 1).lastForUser(),
                        "only the last tab's leave is alice's last: " + aliceLeaves);
            }
        }
        awaitView(hubs, Set.of(key(c, bob)), new SyncPresence.Count(1, 1));
        assertEquals(List.of(), failures);
    }

    @Test
    void membersOfAnInstanceThatStopsRefreshingLeaveWithinTheTtlOnceEach() throws Exception {
        Duration ttl = Duration.ofMillis(1_500);
        List<SyncPresenceEvent> onB = new CopyOnWriteArrayList<>();
        List<SyncPresenceEvent> onC = new CopyOnWriteArrayList<>();
        SyncHub a = hub(new CopyOnWriteArrayList<>(), ttl);
        SyncHub b = hub(onB, ttl);
        SyncHub c = hub(onC, ttl);
        Session alice = join(a, "alice");
        Session bob = join(a, "bob");
        Session carol = join(b, "carol");
        awaitView(List.of(a, b, c), Set.of(key(a, alice), key(a, bob), key(b, carol)),
                new SyncPresence.Count(3, 3));

        ((DefaultSyncHub) a).presenceTracker().halt(); // a dies: no refresh, no leave from it
        long died = System.nanoTime();
        a.close();
        Await.until(TIMEOUT, "alice and bob to vanish on b", () -> Set.of(key(b, carol)).equals(keys(b)));
        long vanishedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died);
        assertTrue(vanishedMillis >= ttl.toMillis() * 2 / 3 - 100, "not before the ttl after its last refresh (at "
                + "most ttl/3 before it died): " + vanishedMillis + " ms");
        for (List<SyncPresenceEvent> events : List.of(onB, onC)) {
            Await.until(TIMEOUT, "two expiry leaves", () -> events.stream()
                    .filter(e -> e.type() == SyncPresenceEvent.Type.LEAVE).count() >= 2);
        }
        awaitView(List.of(b, c), Set.of(key(b, carol)), new SyncPresence.Count(1, 1));
        for (List<SyncPresenceEvent> events : List.of(onB, onC)) {
            List<SyncPresenceEvent> leaves = events.stream()
                    .filter(e -> e.type() == SyncPresenceEvent.Type.LEAVE).toList();
            assertEquals(2, leaves.size(), "one leave each: " + leaves);
            assertEquals(Set.of("alice", "bob"), leaves.stream().map(e -> e.member().userId())
                    .collect(Collectors.toSet()));
            assertTrue(leaves.stream().allMatch(e -> e.expired() && e.lastForUser()), leaves.toString());
        }
    }

    @Test
    void aPostgresRestartDropsNobodyAndChangesMadeMeanwhileArrive() throws Exception {
        restart(false);
    }

    @Test
    void aPostgresCrashEmptiesTheUnloggedTablesAndTheInstancesWriteTheirMembersAgain() throws Exception {
        restart(true);
    }

    @Test
    void afterJoinsAndLeavesFromManyThreadsEveryViewEqualsTheOpenSessions() throws Exception {
        SyncHub a = hub(new java.util.concurrent.ConcurrentLinkedQueue<>(), Duration.ofSeconds(30));
        SyncHub b = hub(new java.util.concurrent.ConcurrentLinkedQueue<>(), Duration.ofSeconds(30));
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            sessions.add(join(i % 2 == 0 ? a : b, "user" + (i % 7)));
        }
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
                try {
                    while (running.get()) {
                        Session session = sessions.get(random.nextInt(sessions.size()));
                        if (random.nextBoolean()) {
                            owners.get(session).unsubscribe(session, ROOM);
                        } else {
                            owners.get(session).subscribe(session, ROOM);
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
        sessions.get(0).close();
        sessions.get(1).close();
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TIMEOUT.toMillis());
        }
        assertEquals(List.of(), thrown);
        Set<String> expected = new java.util.HashSet<>();
        Set<String> users = new java.util.HashSet<>();
        for (int i = 0; i < sessions.size(); i++) {
            Session session = sessions.get(i);
            SyncHub hub = owners.get(session);
            if (session.isOpen() && hub.topics(session).contains(ROOM)) {
                expected.add(key(hub, session));
                users.add("user" + (i % 7));
            }
        }
        awaitView(List.of(a, b), expected, new SyncPresence.Count(expected.size(), users.size()));
        assertEquals(List.of(), failures);
    }

    private void restart(boolean crash) throws Exception {
        Duration ttl = Duration.ofSeconds(10);
        List<SyncPresenceEvent> onA = new CopyOnWriteArrayList<>();
        List<SyncPresenceEvent> onB = new CopyOnWriteArrayList<>();
        SyncHub a = hub(onA, ttl);
        SyncHub b = hub(onB, ttl);
        Session alice = join(a, "alice");
        Session bob = join(b, "bob");
        awaitView(List.of(a, b), Set.of(key(a, alice), key(b, bob)), new SyncPresence.Count(2, 2));
        Await.until(TIMEOUT, "the joins heard", () -> onA.size() >= 2 && onB.size() >= 2);

        if (crash) {
            POSTGRES.server().kill();
        } else {
            POSTGRES.server().stop();
        }
        Session carol = join(a, "carol"); // while the database is down
        POSTGRES.server().start();

        Set<String> everyone = Set.of(key(a, alice), key(b, bob), key(a, carol));
        awaitView(List.of(a, b), everyone, new SyncPresence.Count(3, 3));
        // carol's join is sent once written: b hears it if it listens again by then (at most once), a always
        Await.until(TIMEOUT, "carol's join on a", () -> !of(onA, SyncPresenceEvent.Type.JOIN, "carol").isEmpty());
        for (List<SyncPresenceEvent> events : List.of(onA, onB)) {
            assertEquals(List.of(), events.stream().filter(e -> e.type() == SyncPresenceEvent.Type.LEAVE).toList(),
                    "nobody left: " + events);
            if (!crash) {
                assertEquals(1, of(events, SyncPresenceEvent.Type.JOIN, "alice").size(),
                        "a clean restart keeps the rows: nobody joins again: " + events);
            }
        }
        assertTrue(alice.isOpen() && bob.isOpen());
        a.unsubscribe(alice, ROOM); // and it works as before
        awaitView(List.of(a, b), Set.of(key(b, bob), key(a, carol)), new SyncPresence.Count(2, 2));
        assertFalse(failures.isEmpty(), "the outage was reported");
    }
}
