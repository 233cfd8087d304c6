package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncException;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncStage;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;
import org.synchub.presence.SyncPresenceEvent;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;
import org.synchub.spi.SyncPresenceStore;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.testing.ForwardingDriver;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short outage of one instance's presence store: the instance's members are not dropped, and when the store is
 * back the instance writes what changed meanwhile (a join and a leave), with their events. The outage is the real
 * in-JVM store cut off for one hub (its calls fail, as a Redis or PostgreSQL store's would while the server is
 * down); the hub also relays through its byte path (not the in-JVM object path), so presence frames go through the
 * relay queue.
 */
class PresenceOutageTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ROOM = "room-1";

    @RegisterExtension
    final SessionServer server = new SessionServer(session -> { }, Cleanup.bestEffort());
    private final String channel = "outage-" + System.nanoTime();
    private volatile boolean cutOff;

    /** The in-JVM driver seen through its byte path, with a store that fails while {@link #cutOff}. */
    private final class CutOffAdapter implements SyncAdapter {
        @Override
        public SyncDriver open(SyncDriverContext context) {
            SyncDriver jvm = JvmAdapter.channel(channel).open(context);
            SyncPresenceStore store = jvm.presence().orElseThrow();
            return new ForwardingDriver(jvm) {
                @Override
                public Optional<SyncPresenceStore> presence() {
                    return Optional.of(new CutOffStore(store));
                }
            };
        }
    }

    private final class CutOffStore implements SyncPresenceStore {
        private final SyncPresenceStore store;

        CutOffStore(SyncPresenceStore store) {
            this.store = store;
        }

        private void check() throws SyncException {
            if (cutOff) {
                throw new SyncException("the presence store is unreachable (test)");
            }
        }

        @Override
        public Change join(String topic, SyncMember member, long ttlMillis) throws Exception {
            check();
            return store.join(topic, member, ttlMillis);
        }

        @Override
        public Change leave(String topic, SyncMember member) throws Exception {
            check();
            return store.leave(topic, member);
        }

        @Override
        public Set<String> refresh(String instanceId, Set<String> topics, long ttlMillis) throws Exception {
            check();
            return store.refresh(instanceId, topics, ttlMillis);
        }

        @Override
        public List<Change> expire(String topic) throws Exception {
            check();
            return store.expire(topic);
        }

        @Override
        public List<SyncMember> members(String topic) throws Exception {
            check();
            return store.members(topic);
        }

        @Override
        public SyncPresence.Count count(String topic) throws Exception {
            check();
            return store.count(topic);
        }
    }

    private static Set<String> users(SyncHub hub) throws Exception {
        return hub.presence().members(ROOM).toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .stream().map(SyncMember::userId).collect(Collectors.toSet());
    }

    private Session join(SyncHub hub, String user) throws Exception {
        server.connect("/chat");
        Session session = server.nextSession();
        hub.presence().identify(session, user, null);
        hub.subscribe(session, ROOM);
        return session;
    }

    @Test
    void aShortOutageDropsNoMemberAndWhatChangedMeanwhileIsWrittenAfter() throws Exception {
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        List<SyncPresenceEvent> onB = new CopyOnWriteArrayList<>();
        Duration ttl = Duration.ofSeconds(6);
        SyncHub a = server.keep(SyncHubBuilder.create().adapter(new CutOffAdapter()).presenceTopics("room-*")
                .presenceTtl(ttl).onFailure(failures::add).probeIntervalMillis(0).build());
        SyncHub b = server.keep(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).presenceTopics("room-*")
                .presenceTtl(ttl).onPresence(onB::add).build());
        Session alice = join(a, "alice");
        join(b, "bob");
        Await.until(TIMEOUT, "alice and bob everywhere", () -> {
            try {
                return users(a).equals(Set.of("alice", "bob")) && users(b).equals(Set.of("alice", "bob"));
            } catch (Exception e) {
                return false;
            }
        });
        Await.until(TIMEOUT, "b to hear alice join", () -> onB.stream()
                .anyMatch(e -> e.type() == SyncPresenceEvent.Type.JOIN && e.member().userId().equals("alice")));
        int eventsBefore = onB.size();

        cutOff = true;
        join(a, "carol");
        a.unsubscribe(alice, ROOM);
        Await.until(TIMEOUT, "the outage reported", () -> failures.stream()
                .anyMatch(f -> f.stage() == SyncStage.PUBLISH && f.source().equals(PresenceTracker.SOURCE)));
        assertEquals(Set.of("alice", "bob"), users(b), "alice is not dropped, carol not there yet");
        assertTrue(readFails(a), "a read during the outage fails");
        cutOff = false;

        Await.until(TIMEOUT, "carol in, alice out, on b", () -> {
            try {
                return users(b).equals(Set.of("bob", "carol"));
            } catch (Exception e) {
                return false;
            }
        });
        Await.until(TIMEOUT, "b to hear carol join and alice leave", () -> onB.size() >= eventsBefore + 2);
        List<SyncPresenceEvent> after = onB.subList(eventsBefore, onB.size());
        assertEquals(2, after.size(), after.toString());
        assertTrue(after.stream().anyMatch(e -> e.firstForUser() && e.member().userId().equals("carol")),
                after.toString());
        assertTrue(after.stream().anyMatch(e -> e.lastForUser() && !e.expired()
                && e.member().userId().equals("alice")), after.toString());
        assertFalse(after.stream().anyMatch(e -> e.member().userId().equals("bob")), "bob was never touched");
    }

    private static boolean readFails(SyncHub hub) {
        try {
            hub.presence().members(ROOM).toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return false;
        } catch (Exception expected) {
            return true;
        }
    }
}
