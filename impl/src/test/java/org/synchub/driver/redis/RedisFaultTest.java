package org.synchub.driver.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.SyncMessage;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;
import org.synchub.testing.RedisServer;
import org.synchub.testing.Relays;
import org.synchub.testing.TyrusHubNode;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis going away under real hubs: kill -9 and restart, absent at start, CLIENT KILL, foreign frames, leaks. */
class RedisFaultTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();

    private SyncHub hub(String url, String channel, List<SyncFailure> failures) {
        return cleanup.add(SyncHubBuilder.create().adapter(RedisAdapter.url(url, channel))
                .onFailure(failures::add).build());
    }

    private static String channel() {
        return "fault-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static long count(List<SyncFailure> failures, SyncStage stage) {
        return failures.stream().filter(f -> f.stage() == stage).count();
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

    @Test
    void killMinus9MidStreamThenRestartOnTheSamePort() throws Exception {
        RedisServer redis = cleanup.add(RedisServer.start());
        String channel = channel();
        // a steady stream from server code on hub A, one message every 2 ms
        FailoverStream stream = cleanup.add(new FailoverStream());
        List<SyncFailure> failuresA = stream.failuresA;
        List<SyncFailure> failuresB = stream.failuresB;
        stream.start(RedisAdapter.url(redis.url(), channel), RedisAdapter.url(redis.url(), channel));
        try {
            int killedAt = stream.published();
            redis.kill();
            Await.until(TIMEOUT, "both hubs to report the outage as SUBSCRIBE",
                    () -> count(failuresA, SyncStage.SUBSCRIBE) > 0 && count(failuresB, SyncStage.SUBSCRIBE) > 0);
            Await.until(TIMEOUT, "the stream to go on while Redis is down", () -> stream.published() > killedAt + 300);

            int restartedAt = stream.published();
            redis.restart();
            // the reconnect backoff is capped at 1 s: the deadline leaves a loaded machine room, the time is printed
            long resumedMs = stream.awaitResumed(restartedAt, System.nanoTime(), Duration.ofSeconds(30));
            System.out.println("[redis fault] kill -9 and restart on the same port -> relay resumed " + resumedMs
                    + " ms after the restart");
        } finally {
            stream.stopPublishing();
        }
        stream.checkEveryMessageDeliveredOnA();
        assertEquals(1, count(failuresA, SyncStage.SUBSCRIBE), "one outage, reported once: " + failuresA);
        assertEquals(1, count(failuresB, SyncStage.SUBSCRIBE), "one outage, reported once: " + failuresB);
        assertTrue(failuresA.stream().filter(f -> f.stage() == SyncStage.SUBSCRIBE)
                .allMatch(f -> f.cause() instanceof SyncBackplaneUnavailableException), failuresA.toString());
    }

    @Test
    void redisNotRunningAtStartThenAppearing() throws Exception {
        RedisServer redis = cleanup.add(RedisServer.notStarted(TyrusHubNode.freePort()));
        String channel = channel();
        List<SyncFailure> failuresA = new CopyOnWriteArrayList<>();
        SyncHub a = hub(redis.url(), channel, failuresA);
        SyncHub b = hub(redis.url(), channel, new CopyOnWriteArrayList<>());
        a.publish("t", "into the void");
        Await.until(TIMEOUT, "hub A to report that Redis is unreachable",
                () -> count(failuresA, SyncStage.SUBSCRIBE) > 0);
        assertEquals(1, a.counters().published(), "local publishing works without Redis");

        redis.restart();
        Relays.await(a, b, TIMEOUT);
        Relays.await(b, a, TIMEOUT);
    }

    @Test
    void clientKillTypePubsubIsSurvived() throws Exception {
        RedisServer redis = cleanup.add(RedisServer.start());
        String channel = channel();
        List<SyncFailure> failuresA = new CopyOnWriteArrayList<>();
        List<SyncFailure> failuresB = new CopyOnWriteArrayList<>();
        SyncHub a = hub(redis.url(), channel, failuresA);
        SyncHub b = hub(redis.url(), channel, failuresB);
        Relays.await(a, b, TIMEOUT);
        Relays.await(b, a, TIMEOUT);

        try (Jedis admin = new Jedis("127.0.0.1", redis.port())) {
            long killed = admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
            assertTrue(killed >= 2, "expected both subscriptions killed, was " + killed);
        }
        Await.until(TIMEOUT, "the dropped subscriptions to be reported as SUBSCRIBE",
                () -> count(failuresA, SyncStage.SUBSCRIBE) > 0 && count(failuresB, SyncStage.SUBSCRIBE) > 0);
        Relays.await(a, b, TIMEOUT);
        Relays.await(b, a, TIMEOUT);
        Await.until(TIMEOUT, "both subscriptions re-made", () -> clientNames(redis)
                .containsAll(Set.of("synchub-sub-" + tag(a), "synchub-sub-" + tag(b))));
    }

    @Test
    void aForeignFrameIsDroppedAndCounted() throws Exception {
        RedisServer redis = cleanup.add(RedisServer.start());
        String channel = channel();
        List<SyncFailure> failuresB = new CopyOnWriteArrayList<>();
        SyncHub a = hub(redis.url(), channel, new CopyOnWriteArrayList<>());
        TyrusHubNode nodeB = cleanup.add(TyrusHubNode.start(hub(redis.url(), channel, failuresB)));
        SyncHub b = nodeB.hub();
        TckClient onB = cleanup.add(TckClient.connect(nodeB.uri("/room", "t")));
        Await.until(TIMEOUT, "the session subscribed", () -> b.counters().sessions() == 1);
        Relays.await(a, b, TIMEOUT);
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
        Relays.await(a, b, TIMEOUT);
    }

    @Test
    void closeLeavesNoThreadsAndNoConnections() throws Exception {
        RedisServer redis = cleanup.add(RedisServer.start());
        String channel = channel();
        SyncHub a = hub(redis.url(), channel, new CopyOnWriteArrayList<>());
        SyncHub b = hub(redis.url(), channel, new CopyOnWriteArrayList<>());
        Relays.await(a, b, TIMEOUT);
        Relays.await(b, a, TIMEOUT);
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
