package org.synchub.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.SyncResync;
import org.synchub.SyncStage;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.tck.Await;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Gap detection past 4,096 (sender, stream) pairs (the gap tracker's bound), on a real redis-server flooded with
 * forged sender ids (issue 21, defect 6): a sender heard after the flood is still checked for losses, and the
 * degraded tracking is reported.
 */
class GapTrackingBoundTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<SyncFailure> failures = new CopyOnWriteArrayList<>();
    private final List<SyncResync> resyncs = new CopyOnWriteArrayList<>();
    private RedisServer redis;
    private SyncHub hub;

    @AfterEach
    void close() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aFloodOfSenderIdsNeitherBlindsGapDetectionNorGoesUnreported() throws Exception {
        redis = RedisServer.start();
        String channel = "flood-" + UUID.randomUUID();
        hub = SyncHubBuilder.create().adapter(RedisAdapter.url(redis.url(), channel)).probeIntervalMillis(0)
                .onFailure(failures::add).onResync(resyncs::add).build();
        Await.until(TIMEOUT, "ready", () -> hub.health().ready());
        int flood = 4_096 + 10; // past the gap tracker's bound (GapTracker.MAX_SENDERS)
        String late = "late-" + UUID.randomUUID();
        try (Jedis raw = new Jedis("127.0.0.1", redis.port())) {
            Pipeline pipeline = raw.pipelined();
            for (int i = 0; i < flood; i++) {
                pipeline.publish(channel, EnvelopeCodec.encode("forged-" + i, SyncMessage.text("/x", "t", "f"), 1));
            }
            pipeline.sync();
            Await.until(TIMEOUT, "the flood received", () -> hub.counters().received() == flood);
            for (long seq : new long[] {1, 3}) { // 2 is lost
                raw.publish(channel, EnvelopeCodec.encode(late, SyncMessage.text("/x", "t", "l"), seq));
            }
        }
        Await.until(TIMEOUT, "a GAP resync for the sender heard after the flood", () -> resyncs.stream()
                .anyMatch(r -> r.reason() == SyncResync.Reason.GAP && late.equals(r.sender())));
        Await.until(TIMEOUT, "a report that gap tracking is degraded", () -> failures.stream()
                .anyMatch(f -> f.stage() == SyncStage.DELIVERY && f.source().equals("gap-tracking")
                        && String.valueOf(f.cause().getMessage()).contains("degraded")));
    }
}
