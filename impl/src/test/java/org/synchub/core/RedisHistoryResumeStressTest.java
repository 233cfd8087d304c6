package org.synchub.core;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.spi.SyncAdapter;
import org.synchub.testing.RedisServer;

/**
 * The history property of {@link HistoryResumeStressTest} over a private redis-server: three hubs on one Redis
 * channel, positions assigned by the Redis history store's script, live frames through Redis pub/sub and resumes read
 * from the stream.
 */
class RedisHistoryResumeStressTest extends HistoryResumeStressTest {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Override
    SyncAdapter adapter(String channel) {
        return RedisAdapter.url(redis.url(), channel);
    }
}
