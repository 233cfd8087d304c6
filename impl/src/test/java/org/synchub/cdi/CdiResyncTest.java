package org.synchub.cdi;

import org.junit.jupiter.api.Test;
import org.synchub.SyncHub;
import org.synchub.SyncResync;
import org.synchub.tck.Await;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CDI layer fires {@link SyncResync} as an event to the application's observers (Weld SE, a real Redis). */
class CdiResyncTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aFrameOverTheLimitFiresAResyncEventForTheObservingApplication() throws Exception {
        String channel = "cdi-resync-" + UUID.randomUUID().toString().substring(0, 8);
        try (RedisServer redis = RedisServer.start();
             WeldApp app = WeldApp.start(Map.of("synchub.driver", "redis", "synchub.channel", channel,
                     "synchub.redis.url", redis.url(), "synchub.frame.max-bytes", "1024",
                     "synchub.probe.interval-ms", "0"), ResyncLog.class);
             Jedis peer = new Jedis(URI.create(redis.url()))) {
            SyncHub hub = app.select(SyncHub.class);
            ResyncLog log = app.select(ResyncLog.class);
            Await.until(TIMEOUT, "the hub subscribed to Redis", () -> hub.health().ready());

            Await.until(TIMEOUT, "a SyncResync event", () -> {
                peer.publish(channel, "x".repeat(4096)); // over the hub's 1 KiB frame limit: dropped unread
                return !log.resyncs().isEmpty();
            });
            SyncResync resync = log.resyncs().get(0);
            assertEquals(SyncResync.Reason.OVERSIZED_FRAME, resync.reason(), resync.toString());
            assertEquals(hub.instanceId(), resync.instanceId(), "the hub that may have missed messages");
            assertTrue(hub.counters().malformed() >= 1, hub.counters().toString());
        }
    }
}
