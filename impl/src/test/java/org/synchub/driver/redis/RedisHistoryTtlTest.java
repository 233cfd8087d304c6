package org.synchub.driver.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncMessage;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncHistoryStore;
import org.synchub.tck.Await;
import org.synchub.tck.DriverNode;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.ClassRedis;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lifetimes of the Redis history: the keys' expiries, messages older than the ttl not replayed while newer ones keep
 * the stream alive, and the epoch and top surviving the stream's expiry.
 */
class RedisHistoryTtlTest {

    @RegisterExtension
    static final ClassRedis REDIS = new ClassRedis();

    private static SyncHistoryStore.Append append(String topic, String text) {
        return new SyncHistoryStore.Append(topic, EnvelopeCodec.positionedPrefix("ttl", SyncMessage.text("/t", topic,
                text), -1).getBytes(StandardCharsets.UTF_8),
                EnvelopeCodec.POSITIONED_SUFFIX.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keysExpireOldMessagesAreNotReplayedAndTheEpochOutlivesTheStream() throws Exception {
        String channel = "httl-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "room";
        SyncHistoryStore.Limits limits = new SyncHistoryStore.Limits(100, 2_000);
        try (DriverNode node = new DriverNode(RedisAdapter.url(REDIS.server().url(), channel), new RecordingContext());
             Jedis jedis = new Jedis("127.0.0.1", REDIS.server().port())) {
            SyncHistoryStore store = node.driver().history().orElseThrow();
            SyncPosition first = store.publish(List.of(append(topic, "first")), limits).get(0);
            String meta = "{" + channel + "}:synchub-history:" + topic + ":meta";
            String stream = "{" + channel + "}:synchub-history:" + topic + ":stream";
            long streamTtl = jedis.pttl(stream);
            long metaTtl = jedis.pttl(meta);
            assertTrue(streamTtl > 0 && streamTtl <= 2_000, "stream expires after the ttl: " + streamTtl);
            assertTrue(metaTtl > RedisHistory.META_EXTRA_MS && metaTtl <= 2_000 + RedisHistory.META_EXTRA_MS,
                    "meta expires an hour after: " + metaTtl);

            // newer messages keep the stream alive; the first one, older than the ttl, is no longer replayed
            SyncPosition[] latest = {first};
            Await.until(Duration.ofSeconds(20), "the first message to be too old while the stream lives", () -> {
                try {
                    latest[0] = store.publish(List.of(append(topic, "keep-alive")), limits).get(0);
                    Thread.sleep(200);
                    return store.read(topic, new SyncPosition(first.epoch(), 0), 10, limits).refused()
                            == SyncRecovery.Reason.TOO_OLD;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(jedis.exists(stream), "the stream itself is still there");
            SyncHistoryStore.Read recent = store.read(topic, new SyncPosition(first.epoch(),
                    latest[0].offset() - 1), 10, limits);
            assertNull(recent.refused(), "a message younger than the ttl is replayed");
            assertEquals(List.of(latest[0]), recent.frames().stream().map(SyncHistoryStore.Stored::position)
                    .toList());

            // quiet for longer than the ttl: the stream is gone, the epoch and top stay
            Await.until(Duration.ofSeconds(20), "the stream to expire", () -> !jedis.exists(stream));
            assertTrue(jedis.exists(meta));
            assertEquals(latest[0], store.top(topic));
            assertEquals(SyncRecovery.Reason.TOO_OLD, store.read(topic, new SyncPosition(first.epoch(),
                    latest[0].offset() - 1), 10, limits).refused());
            SyncPosition next = store.publish(List.of(append(topic, "after")), limits).get(0);
            assertEquals(new SyncPosition(first.epoch(), latest[0].offset() + 1), next, "numbering continues");
            assertFalse(store.read(topic, latest[0], 10, limits).frames().isEmpty());
        }
    }
}
