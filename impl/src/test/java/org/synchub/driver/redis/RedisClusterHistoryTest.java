package org.synchub.driver.redis;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncMessage;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncHistoryStore;
import org.synchub.tck.Await;
import org.synchub.tck.DriverNode;
import org.synchub.tck.RecordingContext;
import org.synchub.tck.SyncHistoryStoreTck;
import org.synchub.testing.ClassRedisCluster;
import org.synchub.testing.RedisClusterSet;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis history store on a real 3-primary Redis Cluster: the history TCK with the classic shard channel and with
 * topic routing over 16 bucket channels (so topics' keys land in many slots: a cross-slot script would fail), and a
 * live migration of a topic's slot, keys and all, while a publisher keeps publishing.
 */
class RedisClusterHistoryTest {

    @RegisterExtension
    static final ClassRedisCluster CLUSTER = new ClassRedisCluster();

    /** The history TCK with SPUBLISH on the channel (every topic's keys in the channel's slot). */
    @Nested
    class Classic extends SyncHistoryStoreTck {
        @Override
        protected SyncAdapter adapter(String channel) {
            return RedisAdapter.url(CLUSTER.cluster().url(), channel);
        }

        @Override
        protected Duration timeout() {
            return Duration.ofSeconds(20);
        }
    }

    /** The history TCK in topic routing: each topic's keys in the slot of its bucket channel. */
    @Nested
    class TopicRouting extends SyncHistoryStoreTck {
        @Override
        protected SyncAdapter adapter(String channel) {
            return interestedInAll(RedisAdapter.url(CLUSTER.cluster().url(), channel).withTopicRouting(16), 16);
        }

        @Override
        protected Duration timeout() {
            return Duration.ofSeconds(20);
        }
    }

    /** An adapter whose drivers have interest in every bucket (the TCK's nodes declare none). */
    static SyncAdapter interestedInAll(RedisAdapter adapter, int buckets) {
        return context -> {
            SyncDriver driver = adapter.open(context);
            for (int stream = 1; stream <= buckets; stream++) {
                driver.interest(stream, true);
            }
            return driver;
        };
    }

    @Test
    void historyThroughAJedisClusterClientWhoseConnectionsGoToAnyNodeIsRefusedAtStartup() {
        try (redis.clients.jedis.JedisCluster client = new redis.clients.jedis.JedisCluster(CLUSTER.cluster().addresses())) {
            org.synchub.SyncConfigurationException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.synchub.SyncConfigurationException.class, () -> org.synchub.core.SyncHubBuilder.create()
                            .historyTopics("room-*").adapter(RedisAdapter.client(client, "hcl")).build().close());
            assertEquals("synchub.history.topics", e.key());
            // the cluster adapter (connections to each slot's owner) keeps history
            org.synchub.core.SyncHubBuilder.create().historyTopics("room-*")
                    .adapter(RedisAdapter.cluster(client, "hcl")).build().close();
        }
    }

    @Test
    void keysOfATopicAndItsShardChannelShareOneSlot() {
        for (String channel : List.of("chat", "chat:7", "a{b}c", "{x}", "}{")) {
            String tag = RedisHistory.tag(channel);
            assertEquals(JedisClusterCRC16.getSlot(channel), JedisClusterCRC16.getSlot(tag + ":synchub-history:"
                    + "t{o}p}ic:meta"), channel);
        }
    }

    @Test
    void migratingATopicsSlotWhilePublishingNeverGivesAnOffsetTwice() throws Exception {
        String channel = "hmig-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "room";
        SyncHistoryStore.Limits limits = new SyncHistoryStore.Limits(10_000, 300_000);
        try (DriverNode publisher = new DriverNode(RedisAdapter.url(CLUSTER.cluster().url(), channel), new RecordingContext());
             DriverNode listener = new DriverNode(RedisAdapter.url(CLUSTER.cluster().url(), channel), new RecordingContext())) {
            SyncHistoryStore store = publisher.driver().history().orElseThrow();
            List<SyncPosition> positions = Collections.synchronizedList(new ArrayList<>());
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            Thread pump = new Thread(() -> {
                int n = 0;
                while (!stop.get()) {
                    try {
                        positions.addAll(store.publish(List.of(append(topic, "m" + n++)), limits));
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }
            });
            pump.start();
            Await.until(Duration.ofSeconds(20), "publishes before the migration", () -> positions.size() > 50);
            SyncPosition before = positions.get(positions.size() - 1);
            RedisServer target = migrateWithKeys(channel);
            int afterMigration = positions.size();
            Await.until(Duration.ofSeconds(30), "publishes to succeed on the new owner",
                    () -> positions.size() > afterMigration + 50);
            stop.set(true);
            pump.join(10_000);
            assertEquals(target.port(), CLUSTER.cluster().ownerOf(channel).port());

            Set<SyncPosition> unique = new HashSet<>();
            for (int i = 0; i < positions.size(); i++) {
                SyncPosition p = positions.get(i);
                assertTrue(unique.add(p), "position " + p + " given twice");
                if (i > 0 && positions.get(i - 1).epoch().equals(p.epoch())) {
                    assertEquals(positions.get(i - 1).offset() + 1, p.offset(), "offsets of an epoch without holes");
                }
            }
            SyncPosition last = positions.get(positions.size() - 1);
            assertNotEquals(before.epoch(), last.epoch(), "a moved slot is a new epoch (another primary's data)");
            assertEquals(SyncRecovery.Reason.EPOCH_CHANGED, store.read(topic, before, 10, limits).refused());
            SyncHistoryStore.Read since = store.read(topic, new SyncPosition(last.epoch(), 0), 100_000, limits);
            assertNull(since.refused());
            assertEquals(positions.stream().filter(p -> p.epoch().equals(last.epoch())).toList(),
                    since.frames().stream().map(SyncHistoryStore.Stored::position).toList(),
                    "the new owner keeps every message of the new epoch");
            assertEquals(last, store.top(topic));
            System.out.println("[cluster history] migration: " + positions.size() + " positioned publishes, "
                    + failures.size() + " failed during the move");
        }
    }

    private static SyncHistoryStore.Append append(String topic, String text) {
        return new SyncHistoryStore.Append(topic, EnvelopeCodec.positionedPrefix("mig", SyncMessage.text("/t",
                topic, text), -1).getBytes(StandardCharsets.UTF_8),
                EnvelopeCodec.POSITIONED_SUFFIX.getBytes(StandardCharsets.UTF_8));
    }

    /** Moves the channel's slot with its keys (IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE), as resharding does. */
    private static RedisServer migrateWithKeys(String channel) throws InterruptedException {
        int slot = JedisClusterCRC16.getSlot(channel);
        RedisServer source = CLUSTER.cluster().ownerOf(channel);
        RedisServer target = CLUSTER.cluster().primaries().stream().filter(p -> p.port() != source.port()).findFirst()
                .orElseThrow();
        String sourceId = RedisClusterSet.nodeId(source);
        String targetId = RedisClusterSet.nodeId(target);
        try (Jedis to = new Jedis("127.0.0.1", target.port()); Jedis from = new Jedis("127.0.0.1", source.port())) {
            to.clusterSetSlotImporting(slot, sourceId);
            from.clusterSetSlotMigrating(slot, targetId);
            while (true) {
                List<String> keys = from.clusterGetKeysInSlot(slot, 100);
                if (keys.isEmpty()) {
                    break;
                }
                from.migrate("127.0.0.1", target.port(), 5_000, new MigrateParams(), keys.toArray(new String[0]));
            }
            to.clusterSetSlotNode(slot, targetId);
            from.clusterSetSlotNode(slot, targetId);
        }
        for (RedisServer primary : CLUSTER.cluster().primaries()) {
            try (Jedis other = new Jedis("127.0.0.1", primary.port())) {
                other.clusterSetSlotNode(slot, targetId);
            }
        }
        CLUSTER.cluster().awaitOk(Duration.ofSeconds(60));
        return target;
    }
}
