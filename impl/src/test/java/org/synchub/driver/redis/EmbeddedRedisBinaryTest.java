package org.synchub.driver.redis;

import org.junit.jupiter.api.Test;
import org.synchub.SyncHub;
import org.synchub.core.SyncHubBuilder;
import org.synchub.tck.Await;
import org.synchub.testing.RedisServer;
import org.synchub.testing.Relays;

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
                Relays.await(a, b, Duration.ofSeconds(15));
                redis.kill();
                assertFalse(redis.isRunning());
                redis.restart();
                Relays.await(a, b, Duration.ofSeconds(15));
            } finally {
                a.close();
                b.close();
            }
        }
    }

}
