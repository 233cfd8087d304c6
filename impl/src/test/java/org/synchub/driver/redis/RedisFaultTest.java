package org.synchub.driver.redis;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.SyncMessage;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.RedisServer;
import org.synchub.testing.TyrusHubNode;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis going away under real hubs: kill -9 and restart, absent at start, CLIENT KILL, foreign frames, leaks. */
class RedisFaultTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        cleanup.add(resource);
        return resource;
    }

    private SyncHub hub(String url, String channel, List<SyncFailure> failures) {
        return closeLater(SyncHubBuilder.create().adapter(RedisAdapter.url(url, channel))
                .onFailure(failures::add).build());
    }

    private static String channel() {
        return "fault-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static long count(List<SyncFailure> failures, SyncStage stage) {
        return failures.stream().filter(f -> f.stage() == stage).count();
    }

    /** Publishes probes from {@code from} until {@code to} has received something new. */
    private static void awaitRelay(SyncHub from, SyncHub to, Duration timeout) {
        long before = to.counters().received();
        Await.until(timeout, "a relay from " + from.instanceId() + " to arrive at " + to.instanceId(), () -> {
            from.publish("probe", "p");
            return to.counters().received() > before;
        });
    }

    static Set<String> clientNames(RedisServer redis) {
        try (Jedis admin = new Jedis("127.0.0.1", redis.port())) {
            return admin.clientList().lines()
                    .flatMap(line -> java.util.Arrays.stream(line.split(" ")))
                    .filter(field -> field.startsWith("name="))
                    .map(field -> field.substring("name=".length()))
                    .filter(name -> !name.isEmpty())
                    .collect(Collectors.toSet());
        }
    }

    static String tag(SyncHub hub) {
        return hub.instanceId().substring(0, 8);
    }

    /** Collects the integers of "m<i>" messages a client receives, on a thread of its own. */
    private NavigableSet<Integer> collect(TckClient client) {
        NavigableSet<Integer> got = new ConcurrentSkipListSet<>();
        Thread reader = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Object m = client.next(Duration.ofMillis(200));
                    if (m instanceof String s && s.startsWith("m")) {
                        got.add(Integer.parseInt(s.substring(1)));
                    }
                } catch (AssertionError nothingYet) {
                    // poll again
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-reader");
        reader.setDaemon(true);
        reader.start();
        cleanup.add(reader::interrupt);
        return got;
    }

    @Test
    void killMinus9MidStreamThenRestartOnTheSamePort() throws Exception {
        RedisServer redis = closeLater(RedisServer.start());
        String channel = channel();
        List<SyncFailure> failuresA = new CopyOnWriteArrayList<>();
        List<SyncFailure> failuresB = new CopyOnWriteArrayList<>();
        TyrusHubNode a = closeLater(TyrusHubNode.start(hub(redis.url(), channel, failuresA)));
        TyrusHubNode b = closeLater(TyrusHubNode.start(hub(redis.url(), channel, failuresB)));
        NavigableSet<Integer> localA = collect(closeLater(TckClient.connect(a.uri("/room", "t"))));
        NavigableSet<Integer> remoteB = collect(closeLater(TckClient.connect(b.uri("/room", "t"))));
        Await.until(TIMEOUT, "both sessions subscribed",
                () -> a.hub().counters().sessions() == 1 && b.hub().counters().sessions() == 1);
        awaitRelay(a.hub(), b.hub(), TIMEOUT);

        // a steady stream from server code on hub A, one message every 2 ms
        AtomicInteger published = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    a.hub().publish("t", "m" + published.get());
                    published.incrementAndGet();
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t) {
                    thrown.compareAndSet(null, t);
                }
            }
        }, "test-publisher");
        publisher.start();
        try {
            Await.until(TIMEOUT, "the stream to reach hub B", () -> remoteB.size() >= 50);

            int killedAt = published.get();
            redis.kill();
            Await.until(TIMEOUT, "both hubs to report the outage as SUBSCRIBE",
                    () -> count(failuresA, SyncStage.SUBSCRIBE) > 0 && count(failuresB, SyncStage.SUBSCRIBE) > 0);
            Await.until(TIMEOUT, "the stream to go on while Redis is down", () -> published.get() > killedAt + 300);

            int restartedAt = published.get();
            redis.restart();
            long restarted = System.nanoTime();
            Await.until(Duration.ofSeconds(8), "cross-instance delivery to resume after the restart",
                    () -> !remoteB.isEmpty() && remoteB.last() > restartedAt);
            long resumedMs = (System.nanoTime() - restarted) / 1_000_000;
            assertTrue(resumedMs < 6_000, "relay resumed only after " + resumedMs + " ms");
        } finally {
            publisher.interrupt();
            publisher.join(5_000);
        }
        int total = published.get();
        Await.until(TIMEOUT, "every message (" + total + ") delivered locally on hub A",
                () -> localA.size() == total);
        assertEquals(total - 1, localA.last());
        assertNull(thrown.get(), "publish threw: " + thrown.get());
        assertEquals(1, count(failuresA, SyncStage.SUBSCRIBE), "one outage, reported once: " + failuresA);
        assertEquals(1, count(failuresB, SyncStage.SUBSCRIBE), "one outage, reported once: " + failuresB);
        assertTrue(failuresA.stream().filter(f -> f.stage() == SyncStage.SUBSCRIBE)
                .allMatch(f -> f.cause() instanceof SyncBackplaneUnavailableException), failuresA.toString());
        assertEquals(0, count(failuresA, SyncStage.DELIVERY), failuresA.toString());
    }

    @Test
    void redisNotRunningAtStartThenAppearing() throws Exception {
        RedisServer redis = closeLater(RedisServer.notStarted(TyrusHubNode.freePort()));
        String channel = channel();
        List<SyncFailure> failuresA = new CopyOnWriteArrayList<>();
        SyncHub a = hub(redis.url(), channel, failuresA);
        SyncHub b = hub(redis.url(), channel, new CopyOnWriteArrayList<>());
        a.publish("t", "into the void");
        Await.until(TIMEOUT, "hub A to report that Redis is unreachable",
                () -> count(failuresA, SyncStage.SUBSCRIBE) > 0);
        assertEquals(1, a.counters().published(), "local publishing works without Redis");

        redis.restart();
        awaitRelay(a, b, TIMEOUT);
        awaitRelay(b, a, TIMEOUT);
    }

    @Test
    void clientKillTypePubsubIsSurvived() throws Exception {
        RedisServer redis = closeLater(RedisServer.start());
        String channel = channel();
        List<SyncFailure> failuresA = new CopyOnWriteArrayList<>();
        List<SyncFailure> failuresB = new CopyOnWriteArrayList<>();
        SyncHub a = hub(redis.url(), channel, failuresA);
        SyncHub b = hub(redis.url(), channel, failuresB);
        awaitRelay(a, b, TIMEOUT);
        awaitRelay(b, a, TIMEOUT);

        try (Jedis admin = new Jedis("127.0.0.1", redis.port())) {
            long killed = admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
            assertTrue(killed >= 2, "expected both subscriptions killed, was " + killed);
        }
        Await.until(TIMEOUT, "the dropped subscriptions to be reported as SUBSCRIBE",
                () -> count(failuresA, SyncStage.SUBSCRIBE) > 0 && count(failuresB, SyncStage.SUBSCRIBE) > 0);
        awaitRelay(a, b, TIMEOUT);
        awaitRelay(b, a, TIMEOUT);
        Await.until(TIMEOUT, "both subscriptions re-made", () -> clientNames(redis)
                .containsAll(Set.of("synchub-sub-" + tag(a), "synchub-sub-" + tag(b))));
    }

    @Test
    void aForeignFrameIsDroppedAndCounted() throws Exception {
        RedisServer redis = closeLater(RedisServer.start());
        String channel = channel();
        List<SyncFailure> failuresB = new CopyOnWriteArrayList<>();
        SyncHub a = hub(redis.url(), channel, new CopyOnWriteArrayList<>());
        TyrusHubNode nodeB = closeLater(TyrusHubNode.start(hub(redis.url(), channel, failuresB)));
        SyncHub b = nodeB.hub();
        TckClient onB = closeLater(TckClient.connect(nodeB.uri("/room", "t")));
        Await.until(TIMEOUT, "the session subscribed", () -> b.counters().sessions() == 1);
        awaitRelay(a, b, TIMEOUT);
        try (Jedis foreign = new Jedis("127.0.0.1", redis.port())) {
            foreign.publish(channel, "hello, I am not an envelope");
            foreign.publish(channel, "{\"id\":\"x\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\"}}");
            // a well-formed envelope from another (e.g. Node crossws) instance is accepted
            foreign.publish(channel, EnvelopeCodec.encode("node-crossws", SyncMessage.text("", "t", "from node")));
        }
        assertEquals("from node", onB.nextText(TIMEOUT));
        Await.until(TIMEOUT, "two malformed frames counted", () -> b.counters().malformed() == 2);
        assertTrue(count(failuresB, SyncStage.DELIVERY) >= 1, "malformed frames are reported as DELIVERY");
        assertEquals(0, count(failuresB, SyncStage.SUBSCRIBE), "a bad frame must not drop the subscription");
        awaitRelay(a, b, TIMEOUT);
    }

    @Test
    void closeLeavesNoThreadsAndNoConnections() throws Exception {
        RedisServer redis = closeLater(RedisServer.start());
        String channel = channel();
        SyncHub a = hub(redis.url(), channel, new CopyOnWriteArrayList<>());
        SyncHub b = hub(redis.url(), channel, new CopyOnWriteArrayList<>());
        awaitRelay(a, b, TIMEOUT);
        awaitRelay(b, a, TIMEOUT);
        String tag = tag(a);
        assertTrue(clientNames(redis).containsAll(Set.of("synchub-sub-" + tag, "synchub-pub-" + tag)),
                clientNames(redis).toString());
        assertEquals(3, driverThreads(tag).size(), "subscriber, publisher and health threads");

        a.close();
        a.close();
        Await.until(TIMEOUT, "hub A's driver threads to end", () -> driverThreads(tag).isEmpty());
        Await.until(TIMEOUT, "hub A's connections to be gone from CLIENT LIST",
                () -> clientNames(redis).stream().noneMatch(name -> name.endsWith(tag)));
        assertFalse(driverThreads(tag(b)).isEmpty(), "hub B is untouched");
        assertTrue(clientNames(redis).contains("synchub-sub-" + tag(b)));
    }

    static List<Thread> driverThreads(String tag) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("synchub-redis-") && t.getName().endsWith(tag))
                .toList();
    }
}
