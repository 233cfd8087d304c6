package org.synchub.driver.redis;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncConfigurationException;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncDriverTck;
import org.synchub.testing.ClassRedisSentinel;
import org.synchub.testing.RedisSentinelSet;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;

import org.synchub.SyncHub;
import org.synchub.core.SyncHubBuilder;
import org.synchub.tck.Await;

import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The redis driver in Sentinel mode ({@code redis-sentinel://}) on a real primary, replica and three Sentinels: the
 * driver TCK, then kill -9 of the primary during a stream between two hubs (each test of the failover class starts
 * its own set, since a failover changes it).
 */
class RedisSentinelTest {

    /** The driver conformance suite against a Sentinel-managed primary, through a {@code redis-sentinel://} URL. */
    @Nested
    class Tck extends SyncDriverTck {
        @Override
        protected SyncAdapter adapter(String channel) {
            return RedisAdapter.url(SENTINEL.set().url(), channel);
        }

        @Override
        protected boolean injectRaw(String channel, String frame) {
            HostAndPort primary = SENTINEL.set().primary();
            try (Jedis jedis = new Jedis(primary)) {
                jedis.publish(channel, frame);
            }
            return true;
        }
    }

    /**
     * How soon after a kill -9 of the primary delivery must resume: the Sentinels' down-after time, their election
     * and the driver's reconnect, with room for a loaded machine.
     */
    private static final Duration KILL_RESUME = Duration.ofMillis(RedisSentinelSet.CRASH_DOWN_AFTER_MS + 25_000);

    @RegisterExtension
    static final ClassRedisSentinel SENTINEL = new ClassRedisSentinel();

    @Test
    void killMinus9ThePrimaryMidStreamAndDeliveryResumesAfterPromotion() throws Exception {
        try (RedisSentinelSet set = RedisSentinelSet.startDetectingCrashes();
             FailoverStream stream = new FailoverStream()) {
            String channel = "sentinel-" + UUID.randomUUID().toString().substring(0, 8);
            HostAndPort old = set.primary();
            long ms = stream.run(RedisAdapter.url(set.url(), channel), RedisAdapter.url(set.url(), channel),
                    () -> set.dataServer(old.getPort()).kill(), KILL_RESUME);
            assertNotEquals(old, set.primary(), "the Sentinels promoted the replica");
            System.out.println("[sentinel] kill -9 of the primary -> delivery resumed after " + ms + " ms");
        }
    }

    @Test
    void anApplicationSentinelPoolFollowsAFailoverToo() throws Exception {
        try (RedisSentinelSet set = RedisSentinelSet.startDetectingCrashes();
             FailoverStream stream = new FailoverStream();
             JedisSentinelPool pool = new JedisSentinelPool(RedisSentinelSet.MASTER, set.sentinelAddresses())) {
            String channel = "sentinel-pool-" + UUID.randomUUID().toString().substring(0, 8);
            HostAndPort old = set.primary();
            long ms = stream.run(RedisAdapter.sentinel(pool, channel), RedisAdapter.url(set.url(), channel),
                    () -> set.dataServer(old.getPort()).kill(), KILL_RESUME);
            System.out.println("[sentinel pool] kill -9 of the primary -> delivery resumed after " + ms + " ms");
        }
    }

    @Test
    void aGracefulFailoverMovesPublisherAndSubscriberToTheNewPrimary() throws Exception {
        try (RedisSentinelSet set = RedisSentinelSet.start();
             SyncHub a = SyncHubBuilder.create().adapter(RedisAdapter.url(set.url(), "graceful")).build();
             SyncHub b = SyncHubBuilder.create().adapter(RedisAdapter.url(set.url(), "graceful")).build()) {
            HostAndPort old = set.primary();
            Set<String> names = Set.of("synchub-sub-" + RedisFaultTest.tag(a), "synchub-pub-" + RedisFaultTest.tag(a),
                    "synchub-sub-" + RedisFaultTest.tag(b), "synchub-pub-" + RedisFaultTest.tag(b));
            relay(a, b);
            relay(b, a);
            assertTrue(clientNames(old).containsAll(names), "connected to the primary: " + clientNames(old));
            long started = System.nanoTime();
            HostAndPort fresh = set.failover(Duration.ofSeconds(60));
            assertNotEquals(old, fresh, "the Sentinels promoted the replica");
            // the old primary is now a replica and keeps its clients: the driver must leave it by itself
            Await.until(Duration.ofSeconds(60), "every driver connection to move to the new primary " + fresh, () -> {
                relay(a, b);
                return clientNames(fresh).containsAll(names) && Collections.disjoint(clientNames(old), names);
            });
            relay(a, b);
            relay(b, a);
            System.out.println("[sentinel] SENTINEL FAILOVER -> connections on the new primary after "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
    }

    private static void relay(SyncHub from, SyncHub to) {
        long before = to.counters().received();
        Await.until(Duration.ofSeconds(60), "a relay to arrive", () -> {
            from.publish("probe", "p");
            return to.counters().received() > before;
        });
    }

    private static Set<String> clientNames(HostAndPort server) {
        try (Jedis admin = new Jedis(server)) {
            return admin.clientList().lines()
                    .flatMap(line -> java.util.Arrays.stream(line.split(" ")))
                    .filter(field -> field.startsWith("name="))
                    .map(field -> field.substring("name=".length()))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void badSentinelUrlsFailNamingTheKey() {
        for (String bad : new String[] {"redis-sentinel://h1:26379,h2:26379", "redis-sentinel://h1:99999/m",
                "redis-sentinel://h1,,h2/m", "redis-sentinel://:pw@h1/m/x", "redis-sentinel://h 1/m"}) {
            SyncConfigurationException e = assertThrows(SyncConfigurationException.class,
                    () -> RedisAdapter.url(bad, "c"), bad);
            assertTrue(e.getMessage().contains(RedisAdapter.URL_KEY), e.getMessage());
            assertTrue(!e.getMessage().contains("pw"), "password leaked: " + e.getMessage());
        }
    }
}
