package org.synchub.driver.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.SyncPresenceStoreTck;
import org.synchub.testing.ClassRedis;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis presence store against the presence store conformance suite on a private redis-server, plus what is
 * Redis's own: the keys of a topic share one hash slot whatever the names, the scripts come back after
 * {@code SCRIPT FLUSH}, reads leave out the members of an instance whose expiry passed before anyone expired them,
 * and a topic's keys expire in Redis when nobody refreshes them.
 */
class RedisPresenceStoreTckTest extends SyncPresenceStoreTck {

    @RegisterExtension
    static final ClassRedis REDIS = new ClassRedis();

    @Override
    protected SyncAdapter adapter(String channel) {
        return RedisAdapter.url(REDIS.server().url(), channel);
    }

    private Jedis admin() {
        return new Jedis("127.0.0.1", REDIS.server().port());
    }

    @Test
    void aTopicsKeysShareOneSlotWhateverTheNames() {
        for (String[] names : List.of(new String[] {"chat", "room-1"}, new String[] {"a{b}c", "}{:/%"},
                new String[] {"x:y", "z"}, new String[] {"x", "y:z"})) {
            List<byte[]> keys = PresenceKeys.of(names[0], names[1]);
            Set<Integer> slots = new java.util.HashSet<>();
            keys.forEach(k -> slots.add(JedisClusterCRC16.getSlot(k)));
            assertEquals(1, slots.size(), "one slot for " + List.of(names));
        }
        assertTrue(!java.util.Arrays.equals(PresenceKeys.of("x:y", "z").get(0), PresenceKeys.of("x", "y:z").get(0)),
                "distinct names give distinct keys");
    }

    @Test
    void membersSurviveTheTripThroughRedisWithAnyText() {
        for (SyncMember member : List.of(new SyncMember("a", "b", "c", "/", null),
                new SyncMember("12:x-", "é€𝄞", "inst:1", "/ns:2", "{\"n\":\"-\"}"),
                new SyncMember("-", "-", "-", "", ""))) {
            assertEquals(member, PresenceKeys.decode(PresenceKeys.encode(member)));
        }
    }

    private static SyncMember member(Instance instance, String user, String connection) {
        return new SyncMember(user, connection, instance.id(), "/ns", null);
    }

    private static String channelOf(Instance instance) {
        return ((RedisPresenceStore) instance.store()).channel();
    }

    @Test
    void scriptsAreLoadedAgainAfterAFlushAndReadsLeaveOutExpiredInstances() throws Exception {
        Instance dead = instance();
        Instance live = instance();
        String topic = "room-" + UUID.randomUUID();
        dead.store().join(topic, member(dead, "alice", "1"), SHORT_TTL_MS);
        live.store().join(topic, member(live, "bob", "2"), LONG_TTL_MS);
        try (Jedis jedis = admin()) {
            jedis.scriptFlush();
        }
        assertEquals(2, live.store().members(topic).size(), "EVAL when the script is not cached");
        Await.until(timeout(), "alice left out of the reads once her instance expired", () -> {
            try {
                return live.store().members(topic).equals(List.of(member(live, "bob", "2")))
                        && live.store().count(topic).equals(new SyncPresence.Count(1, 1));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        try (Jedis jedis = admin()) {
            assertEquals(2L, jedis.hlen(PresenceKeys.of(channelOf(live), topic).get(0)),
                    "the read left her out of its answer, not out of Redis: the expiry reports her leave");
            jedis.scriptFlush();
        }
        assertEquals(Set.of(), dead.store().refresh(dead.id(), Set.of(topic), LONG_TTL_MS),
                "a pipelined refresh falls back to EVAL too; alice's instance had not been expired by anyone");
        assertEquals(List.of(), live.store().expire(topic), "refreshed before anyone expired it: alice stays");
        assertEquals(2, live.store().members(topic).size());
        assertEquals(new SyncPresence.Count(2, 2), live.store().count(topic));
    }

    @Test
    void aTopicNobodyRefreshesVanishesFromRedis() throws Exception {
        Instance gone = instance();
        String topic = "room-" + UUID.randomUUID();
        gone.store().join(topic, member(gone, "alice", "1"), SHORT_TTL_MS);
        List<byte[]> keys = PresenceKeys.of(channelOf(gone), topic);
        try (Jedis jedis = admin()) {
            for (byte[] key : keys) {
                long ttl = jedis.pttl(key);
                assertTrue(ttl > 0 && ttl <= 2 * SHORT_TTL_MS, "each key lives twice the ttl: " + ttl);
            }
        }
        Await.until(timeout(), "the keys to vanish", () -> {
            try (Jedis jedis = admin()) {
                return keys.stream().noneMatch(jedis::exists);
            }
        });
    }

    @Test
    void afterALostConnectionTheNextRefreshAsksForEverythingAgain() throws Exception {
        Instance instance = instance();
        String topic = "room-" + UUID.randomUUID();
        instance.store().join(topic, member(instance, "alice", "1"), LONG_TTL_MS);
        assertEquals(Set.of(), instance.store().refresh(instance.id(), Set.of(topic), LONG_TTL_MS));
        try (Jedis jedis = admin()) {
            String name = "synchub-presence-" + instance.id().substring(0, 8);
            assertTrue(jedis.clientList().contains("name=" + name), jedis.clientList());
            String line = jedis.clientList().lines().filter(l -> l.contains("name=" + name + " ")).findFirst()
                    .orElseThrow();
            jedis.clientKill(line.replaceFirst("^.*? addr=(\\S+) .*$", "$1"));
        }
        Set<String> lost = null;
        for (int attempt = 0; attempt < 3 && lost == null; attempt++) {
            try {
                lost = instance.store().refresh(instance.id(), Set.of(topic), LONG_TTL_MS);
            } catch (org.synchub.SyncBackplaneUnavailableException expected) {
                // the first use of the killed connection fails
            }
        }
        assertEquals(Set.of(topic), lost, "the server may have lost writes meanwhile: write everything again");
        assertEquals(Set.of(), instance.store().refresh(instance.id(), Set.of(topic), LONG_TTL_MS), "once only");
    }
}
