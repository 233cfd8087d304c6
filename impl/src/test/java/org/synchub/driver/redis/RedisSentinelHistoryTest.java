package org.synchub.driver.redis;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncMessage;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncHistoryStore;
import org.synchub.tck.Await;
import org.synchub.tck.DriverNode;
import org.synchub.tck.RecordingContext;
import org.synchub.tck.SyncHistoryStoreTck;
import org.synchub.testing.ClassRedisSentinel;
import org.synchub.testing.RedisSentinelSet;
import redis.clients.jedis.HostAndPort;

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
 * The Redis history store behind Sentinels: the history TCK through a {@code redis-sentinel://} URL, and a kill -9
 * of the primary while publishing: the promoted replica may lack the last writes, so the store starts a new epoch
 * there (never reusing an offset) and positions of the old primary are refused {@code EPOCH_CHANGED}.
 */
class RedisSentinelHistoryTest {

    @RegisterExtension
    static final ClassRedisSentinel SENTINEL = new ClassRedisSentinel();

    /** The history TCK against a Sentinel-managed primary. */
    @Nested
    class Tck extends SyncHistoryStoreTck {
        @Override
        protected SyncAdapter adapter(String channel) {
            return RedisAdapter.url(SENTINEL.set().url(), channel);
        }
    }

    @Test
    void killMinus9ThePrimaryWhilePublishingStartsANewEpochOnThePromotedReplica() throws Exception {
        String topic = "room";
        SyncHistoryStore.Limits limits = new SyncHistoryStore.Limits(10_000, 300_000);
        try (RedisSentinelSet set = RedisSentinelSet.startDetectingCrashes();
             DriverNode publisher = new DriverNode(RedisAdapter.url(set.url(), "hsen-" + UUID.randomUUID()),
                     new RecordingContext())) {
            SyncHistoryStore store = publisher.driver().history().orElseThrow();
            List<SyncPosition> positions = Collections.synchronizedList(new ArrayList<>());
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            Thread pump = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    try {
                        positions.addAll(store.publish(List.of(new SyncHistoryStore.Append(topic,
                                EnvelopeCodec.positionedPrefix("s", SyncMessage.text("/t", topic, "m" + n), -1)
                                        .getBytes(StandardCharsets.UTF_8),
                                EnvelopeCodec.POSITIONED_SUFFIX.getBytes(StandardCharsets.UTF_8))), limits));
                    } catch (Throwable t) {
                        failures.add(t);
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
            pump.start();
            Await.until(Duration.ofSeconds(20), "publishes before the kill", () -> positions.size() > 50);
            HostAndPort old = set.primary();
            set.dataServer(old.getPort()).kill();
            SyncPosition before = positions.get(positions.size() - 1);
            int atKill = positions.size();
            Await.until(Duration.ofMillis(RedisSentinelSet.CRASH_DOWN_AFTER_MS + 40_000),
                    "publishes on the promoted replica", () -> positions.size() > atKill + 50
                            && !positions.get(positions.size() - 1).epoch().equals(before.epoch()));
            stop.set(true);
            pump.join(10_000);
            assertNotEquals(old, set.primary());
            assertTrue(!failures.isEmpty(), "publishes failed while no primary answered");

            Set<SyncPosition> unique = new HashSet<>();
            for (SyncPosition p : positions) {
                assertTrue(unique.add(p), "position " + p + " given twice");
            }
            SyncPosition last = positions.get(positions.size() - 1);
            assertEquals(SyncRecovery.Reason.EPOCH_CHANGED, store.read(topic, before, 10, limits).refused());
            SyncHistoryStore.Read read = store.read(topic, new SyncPosition(last.epoch(), 0), 100_000, limits);
            assertNull(read.refused());
            assertEquals(positions.stream().filter(p -> p.epoch().equals(last.epoch())).toList(),
                    read.frames().stream().map(SyncHistoryStore.Stored::position).toList());
        }
    }
}
