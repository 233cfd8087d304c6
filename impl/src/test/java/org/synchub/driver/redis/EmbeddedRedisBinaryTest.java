package org.synchub.driver.redis;

import org.junit.jupiter.api.Test;
import org.synchub.SyncHub;
import org.synchub.core.SyncHubBuilder;
import org.synchub.tck.Await;
import org.synchub.testing.RedisServer;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fallback for machines without redis-server on the PATH: the binary shipped in embedded-redis (Redis 6.2)
 * starts, survives kill -9 and a restart, and carries the relay.
 */
class EmbeddedRedisBinaryTest {

    @Test
    void theMavenShippedBinaryRunsTheRelay() throws Exception {
        try (RedisServer redis = RedisServer.start(RedisServer.Binary.EMBEDDED)) {
            assertTrue(redis.executable().getFileName().toString().startsWith("synchub-redis-server-"),
                    redis.executable().toString());
            SyncHub a = SyncHubBuilder.create().adapter(RedisAdapter.url(redis.url(), "embedded")).build();
            SyncHub b = SyncHubBuilder.create().adapter(RedisAdapter.url(redis.url(), "embedded")).build();
            try {
                relay(a, b);
                redis.kill();
                assertFalse(redis.isRunning());
                redis.restart();
                relay(a, b);
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static void relay(SyncHub from, SyncHub to) {
        long before = to.counters().received();
        Await.until(Duration.ofSeconds(15), "a relay over the embedded redis-server", () -> {
            from.publish("probe", "p");
            return to.counters().received() > before;
        });
    }
}
