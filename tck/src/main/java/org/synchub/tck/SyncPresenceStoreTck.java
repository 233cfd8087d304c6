package org.synchub.tck;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncPresenceStore;
import org.synchub.spi.SyncPresenceStore.Change;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conformance suite of a driver's {@link SyncPresenceStore} ({@link SyncDriver#presence()}). Extend it in a
 * JUnit 5 test and supply {@link #adapter(String)}; every test here must pass. Each "instance" is a driver opened from
 * the adapter with its own {@link RecordingContext} (so its own instance id), whose store is used without
 * {@code listen}: stores must connect by themselves. Each test uses a fresh channel and fresh topics, so a shared
 * backplane server is fine; waits have deadlines ({@link #timeout()}), never fixed sleeps.
 *
 * <p>What is checked: first/last-of-user flags across instances, idempotent join and leave, counts without the
 * members, expiry of an instance that stops refreshing (each member returned by exactly one of concurrent
 * {@code expire} calls), refresh keeping members alive, topics kept apart, and consistency after concurrent joins
 * and leaves from many threads.
 */
public abstract class SyncPresenceStoreTck {

    /** A short time to live for the expiry tests, in milliseconds. */
    protected static final long SHORT_TTL_MS = 400;
    /** A time to live no test outlives, in milliseconds. */
    protected static final long LONG_TTL_MS = 600_000;

    private final List<SyncDriver> drivers = new CopyOnWriteArrayList<>();
    private final String channel = "presence-tck-" + UUID.randomUUID();

    /**
     * An adapter for {@code channel} on the backplane under test; drivers opened from adapters of one channel share
     * one store.
     *
     * @param channel a fresh channel name
     * @return the adapter
     * @throws Exception when the backplane cannot be set up (the test fails)
     */
    protected abstract SyncAdapter adapter(String channel) throws Exception;

    /** @return the deadline of each wait; 20 s unless overridden */
    protected Duration timeout() {
        return Duration.ofSeconds(20);
    }

    /** One instance's view of the channel's store. */
    protected record Instance(String id, SyncPresenceStore store) {

        SyncMember member(String user, String connection) {
            return new SyncMember(user, connection, id, "/ns", "{\"n\":\"" + user + "\"}");
        }
    }

    /**
     * A new instance on the test's channel: a driver opened with its own context, and its store.
     *
     * @return the instance
     * @throws Exception when the driver cannot be opened or has no store
     */
    protected Instance instance() throws Exception {
        RecordingContext context = new RecordingContext();
        SyncDriver driver = adapter(channel).open(context);
        drivers.add(driver);
        SyncPresenceStore store = driver.presence().orElseThrow(() -> new AssertionError(
                driver + " has no presence store"));
        return new Instance(context.instanceId(), store);
    }

    @AfterEach
    void closeDrivers() {
        for (SyncDriver driver : drivers) {
            driver.close();
        }
    }

    private static String topic() {
        return "room-" + UUID.randomUUID();
    }

    @Test
    void firstJoinAndLastLeaveOfAUserCountAcrossInstances() throws Exception {
        Instance a = instance();
        Instance b = instance();
        String topic = topic();
        Change first = a.store().join(topic, a.member("alice", "1"), LONG_TTL_MS);
        assertTrue(first.changed() && first.userEdge(), "alice's first tab is her first connection: " + first);
        assertEquals(1, first.connections());
        Change second = b.store().join(topic, b.member("alice", "1"), LONG_TTL_MS);
        assertTrue(second.changed() && !second.userEdge(), "a second tab on another instance is not: " + second);
        Change bob = b.store().join(topic, b.member("bob", "2"), LONG_TTL_MS);
        assertTrue(bob.userEdge());
        assertEquals(3, bob.connections());
        assertEquals(new SyncPresence.Count(3, 2), a.store().count(topic));

        Change leave = a.store().leave(topic, a.member("alice", "1"));
        assertTrue(leave.changed() && !leave.userEdge(), "alice still has a tab on b: " + leave);
        Change last = b.store().leave(topic, b.member("alice", "1"));
        assertTrue(last.changed() && last.userEdge(), "her last tab: " + last);
        assertEquals(1, last.connections());
        assertEquals(new SyncPresence.Count(1, 1), b.store().count(topic));
    }

    @Test
    void joinAndLeaveAreIdempotentAndTheStoredInfoIsReturned() throws Exception {
        Instance a = instance();
        String topic = topic();
        a.store().join(topic, a.member("alice", "1"), LONG_TTL_MS);
        SyncMember renamed = new SyncMember("alice", "1", a.id(), "/ns", "{\"n\":\"Alice\"}");
        Change again = a.store().join(topic, renamed, LONG_TTL_MS);
        assertFalse(again.changed(), "joining twice changes nothing: " + again);
        assertEquals(List.of(renamed), a.store().members(topic), "the info is replaced");
        Change gone = a.store().leave(topic, new SyncMember("alice", "1", a.id(), "/ns", null));
        assertTrue(gone.changed() && gone.userEdge());
        assertEquals(renamed, gone.member(), "a leave returns the member as stored");
        Change absent = a.store().leave(topic, renamed);
        assertFalse(absent.changed() || absent.userEdge(), "leaving twice changes nothing: " + absent);
        assertEquals(new SyncPresence.Count(0, 0), a.store().count(topic));
        assertEquals(List.of(), a.store().members(topic));
    }

    @Test
    void topicsAreKeptApart() throws Exception {
        Instance a = instance();
        String one = topic();
        String two = topic();
        a.store().join(one, a.member("alice", "1"), LONG_TTL_MS);
        Change other = a.store().join(two, a.member("alice", "1"), LONG_TTL_MS);
        assertTrue(other.changed() && other.userEdge(), "another topic counts on its own: " + other);
        a.store().leave(one, a.member("alice", "1"));
        assertEquals(List.of(a.member("alice", "1")), a.store().members(two));
        assertEquals(new SyncPresence.Count(0, 0), a.store().count(one));
    }

    @Test
    void membersOfAnInstanceThatStopsRefreshingExpireOnceEach() throws Exception {
        Instance dead = instance();
        Instance live = instance();
        String topic = topic();
        dead.store().join(topic, dead.member("alice", "1"), SHORT_TTL_MS);
        dead.store().join(topic, dead.member("bob", "2"), SHORT_TTL_MS);
        live.store().join(topic, live.member("bob", "3"), LONG_TTL_MS);
        assertEquals(List.of(), live.store().expire(topic), "nothing has expired yet");

        List<Change> expired = new CopyOnWriteArrayList<>();
        Await.until(timeout(), "the dead instance's members to expire", () -> {
            try {
                expired.addAll(live.store().expire(topic));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return expired.size() >= 2;
        });
        assertEquals(2, expired.size(), "each member once: " + expired);
        for (Change change : expired) {
            assertTrue(change.changed());
            assertEquals(dead.id(), change.member().instanceId());
            assertEquals(change.member().userId().equals("alice"), change.userEdge(),
                    "alice had no other connection, bob has one on the live instance: " + change);
        }
        assertEquals(List.of(live.member("bob", "3")), live.store().members(topic));
        assertEquals(new SyncPresence.Count(1, 1), live.store().count(topic));
        assertEquals(List.of(), dead.store().expire(topic), "nothing is returned twice");
        assertEquals(Set.of(topic), dead.store().refresh(dead.id(), Set.of(topic), LONG_TTL_MS),
                "a refresh after the expiry says the instance was taken for dead there");
        assertEquals(Set.of(), live.store().refresh(live.id(), Set.of(topic), LONG_TTL_MS), "a live one was not");
    }

    @Test
    void aRefreshOutlivesTheJoinsTtlAndConcurrentExpiresReturnEachMemberOnce() throws Exception {
        Instance kept = instance();
        Instance dead = instance();
        List<Instance> collectors = List.of(instance(), instance(), instance());
        String topic = topic();
        kept.store().join(topic, kept.member("carol", "1"), SHORT_TTL_MS);
        assertEquals(Set.of(), kept.store().refresh(kept.id(), Set.of(topic), LONG_TTL_MS),
                "refreshed at once: never taken for dead");
        int members = 50;
        for (int i = 0; i < members; i++) {
            dead.store().join(topic, dead.member("user" + (i % 10), "c" + i), SHORT_TTL_MS);
        }
        long until = System.nanoTime() + 3 * SHORT_TTL_MS * 1_000_000L;
        List<Change> expired = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(collectors.size());
        for (Instance collector : collectors) {
            Thread thread = new Thread(() -> {
                try {
                    while (System.nanoTime() < until || expired.size() < members) {
                        expired.addAll(collector.store().expire(topic));
                        if (System.nanoTime() - until > timeout().toNanos()) {
                            break;
                        }
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
            thread.start();
        }
        done.await();
        assertEquals(0, failures.get());
        assertEquals(members, expired.size(), "every dead member exactly once over all collectors");
        Set<String> keys = new HashSet<>();
        int lastOfUser = 0;
        for (Change change : expired) {
            assertTrue(keys.add(change.member().key()), "returned twice: " + change.member());
            lastOfUser += change.userEdge() ? 1 : 0;
        }
        assertEquals(10, lastOfUser, "one last connection per user");
        assertEquals(List.of(kept.member("carol", "1")), kept.store().members(topic), "refreshed members stay");
    }

    @Test
    void concurrentJoinsAndLeavesLeaveTheStoreEqualToWhatIsOpen() throws Exception {
        List<Instance> instances = List.of(instance(), instance(), instance());
        String topic = topic();
        int threads = 6;
        int rounds = 200;
        Set<SyncMember> open = ConcurrentHashMap.newKeySet();
        AtomicInteger firsts = new AtomicInteger();
        AtomicInteger lasts = new AtomicInteger();
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int worker = t;
            workers.add(new Thread(() -> {
                try {
                    Instance instance = instances.get(worker % instances.size());
                    for (int i = 0; i < rounds; i++) {
                        int connection = i % 13; // each connection keeps its user
                        SyncMember member = instance.member("user" + (connection % 7), "w" + worker + "-" + connection);
                        if (open.contains(member)) {
                            lasts.addAndGet(instance.store().leave(topic, member).userEdge() ? 1 : 0);
                            open.remove(member);
                        } else {
                            firsts.addAndGet(instance.store().join(topic, member, LONG_TTL_MS).userEdge() ? 1 : 0);
                            open.add(member);
                        }
                    }
                } catch (Throwable e) {
                    thrown.add(e);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread worker : workers) {
            worker.join(timeout().toMillis());
        }
        assertEquals(List.of(), thrown);
        Set<SyncMember> stored = new HashSet<>(instances.get(0).store().members(topic));
        Set<SyncMember> missing = new HashSet<>(open);
        missing.removeAll(stored);
        stored.removeAll(open);
        assertEquals(Set.of(), missing, "open members missing from the store");
        assertEquals(Set.of(), stored, "members in the store that are not open");
        long users = open.stream().map(SyncMember::userId).distinct().count();
        assertEquals(new SyncPresence.Count(open.size(), users), instances.get(1).store().count(topic));
        assertEquals(users, firsts.get() - lasts.get(), "first joins minus last leaves = users present");
    }

    /**
     * An instance taken for dead in a topic (a stall longer than the ttl) whose next call there is a join: the join
     * brings back its heartbeat and that one member, not the others, so the next refresh must still report the topic
     * (the hub then writes all its members again); a first join in a topic is no loss.
     *
     * @throws Exception when the store fails
     */
    @Test
    void aJoinAfterTheInstanceWasExpiredMakesTheNextRefreshReportTheTopic() throws Exception {
        Instance slow = instance();
        Instance other = instance();
        String topic = "room-" + UUID.randomUUID();
        slow.store().join(topic, slow.member("alice", "1"), SHORT_TTL_MS);
        assertEquals(Set.of(), slow.store().refresh(slow.id(), Set.of(topic), SHORT_TTL_MS));
        List<SyncMember> expired = new java.util.ArrayList<>();
        Await.until(timeout(), "the slow instance to be taken for dead", () -> {
            try {
                other.store().expire(topic).forEach(change -> expired.add(change.member()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return !expired.isEmpty();
        });
        slow.store().join(topic, slow.member("bob", "2"), LONG_TTL_MS); // its entry is back, alice is not
        assertEquals(Set.of(topic), slow.store().refresh(slow.id(), Set.of(topic), LONG_TTL_MS),
                "the refresh says the instance was taken for dead there, so that the hub writes alice again");
        assertEquals(Set.of(), slow.store().refresh(slow.id(), Set.of(topic), LONG_TTL_MS), "once");
        String fresh = "room-" + UUID.randomUUID();
        slow.store().join(fresh, slow.member("carol", "3"), LONG_TTL_MS);
        assertEquals(Set.of(), slow.store().refresh(slow.id(), Set.of(topic, fresh), LONG_TTL_MS),
                "a first join in a topic is no loss");
    }
}
