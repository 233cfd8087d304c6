package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Nested;
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
import org.synchub.tck.SyncPresenceStoreTck;
import org.synchub.tck.TckClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence over real Redis (one server, Sentinel or Cluster: a subclass says which) with real Tyrus sessions and
 * several hubs, each standing for an instance: the presence store conformance suite, two then three hubs agreeing
 * on members and counts, and first-join/last-leave of a user across tabs and instances.
 */
abstract class RedisPresenceHubs {

    static final Duration TIMEOUT = Duration.ofSeconds(45);
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

    /** @return an adapter on the Redis under test for {@code channel} */
    abstract SyncAdapter adapter(String channel);

    /** @return the adapter the hubs use: {@link #adapter} unless a subclass picks another routing */
    SyncAdapter hubAdapter(String channel) {
        return adapter(channel);
    }

    /** The presence store suite on the same Redis. */
    @Nested
    class StoreTck extends SyncPresenceStoreTck {
        @Override
        protected SyncAdapter adapter(String channel) {
            return RedisPresenceHubs.this.adapter(channel);
        }

        @Override
        protected Duration timeout() {
            return TIMEOUT;
        }
    }

    SyncHub hub(Collection<SyncPresenceEvent> events, Duration ttl) {
        return server.keep(SyncHubBuilder.create().adapter(hubAdapter(channel)).presenceTopics("room-*")
                .presenceTtl(ttl).onPresence(events::add).onFailure(failures::add).build());
    }

    SyncHub hub(Collection<SyncPresenceEvent> events) {
        return hub(events, Duration.ofSeconds(30));
    }

    /** A client connected to {@code hub}, its server session identified as {@code user}, subscribed to topic. */
    Session join(SyncHub hub, String user, String topic) throws Exception {
        TckClient client = server.connect("/chat");
        Session session = server.nextSession();
        clients.put(session, client);
        owners.put(session, hub);
        hub.presence().identify(session, user, "{\"name\":\"" + user + "\"}");
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

    /** The member keys {@code hub} reads, or null while its read fails (Redis down). */
    static Set<String> keys(SyncHub hub, String topic) {
        try {
            return hub.presence().members(topic).toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .stream().map(SyncMember::key).collect(Collectors.toSet());
        } catch (Exception e) {
            return null;
        }
    }

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

    static long count(Collection<SyncPresenceEvent> events, SyncPresenceEvent.Type type, String user) {
        return events.stream().filter(e -> e.type() == type && e.member().userId().equals(user)).count();
    }

    @Test
    void twoThenThreeHubsAgreeOnMembersAndCounts() throws Exception {
        List<SyncPresenceEvent> events = new CopyOnWriteArrayList<>();
        SyncHub a = hub(events);
        SyncHub b = hub(events);
        Session aliceOnA = join(a, "alice", ROOM);
        Session aliceOnB = join(b, "alice", ROOM);
        Session bobOnB = join(b, "bob", ROOM);
        join(a, "dave", "room-2");
        awaitView(List.of(a, b), ROOM, Set.of(key(a, aliceOnA), key(b, aliceOnB), key(b, bobOnB)),
                new SyncPresence.Count(3, 2));

        SyncHub c = hub(events);
        Session carolOnC = join(c, "carol", ROOM);
        List<SyncHub> hubs = List.of(a, b, c);
        awaitView(hubs, ROOM, Set.of(key(a, aliceOnA), key(b, aliceOnB), key(b, bobOnB), key(c, carolOnC)),
                new SyncPresence.Count(4, 3));
        SyncMember alice = get(c.presence().members(ROOM)).stream()
                .filter(m -> m.connectionId().equals(aliceOnB.getId())).findFirst().orElseThrow();
        assertEquals(new SyncMember("alice", aliceOnB.getId(), b.instanceId(), "/chat", "{\"name\":\"alice\"}"),
                alice, "the member as its instance wrote it");
        assertEquals(new SyncPresence.Count(1, 1), count(c, "room-2"), "topics are apart");

        a.unsubscribe(aliceOnA, ROOM);
        bobOnB.close(); // the application's onClose unsubscribes it
        awaitView(hubs, ROOM, Set.of(key(b, aliceOnB), key(c, carolOnC)), new SyncPresence.Count(2, 2));
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
        for (SyncHub hub : hubs) {
            List<SyncPresenceEvent> events = seen.get(hub);
            Await.until(TIMEOUT, "alice's 3 joins on " + hub,
                    () -> count(events, SyncPresenceEvent.Type.JOIN, "alice") >= 3);
            assertEquals(3, count(events, SyncPresenceEvent.Type.JOIN, "alice"), "each join once: " + events);
            assertEquals(1, events.stream().filter(e -> e.member().userId().equals("alice"))
                    .filter(SyncPresenceEvent::firstForUser).count(), "one first join of alice: " + events);
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
        assertEquals(new SyncPresence.Count(3, 3), count(b, ROOM), "the watchers");
        assertTrue(failures.isEmpty(), failures.toString());
    }
}
