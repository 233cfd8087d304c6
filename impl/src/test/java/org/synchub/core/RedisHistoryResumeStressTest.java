package org.synchub.core;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.spi.SyncAdapter;
import org.synchub.testing.ClassRedis;

/**
 * The history property of {@link HistoryResumeStressTest} over a private redis-server: three hubs on one Redis
 * channel, positions assigned by the Redis history store's script, live frames through Redis pub/sub and resumes read
 * from the stream.
 */
class RedisHistoryResumeStressTest extends HistoryResumeStressTest {

    @RegisterExtension
    static final ClassRedis REDIS = new ClassRedis();

    @Override
    SyncAdapter adapter(String channel) {
        return RedisAdapter.url(REDIS.server().url(), channel);
    }
}
