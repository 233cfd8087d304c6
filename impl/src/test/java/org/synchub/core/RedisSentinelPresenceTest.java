package org.synchub.core;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.spi.SyncAdapter;
import org.synchub.testing.ClassRedisSentinel;

/** Presence on a Sentinel-managed primary ({@code redis-sentinel://}): the store suite and hubs agreeing. */
class RedisSentinelPresenceTest extends RedisPresenceHubs {

    @RegisterExtension
    static final ClassRedisSentinel SENTINEL = new ClassRedisSentinel();

    @Override
    SyncAdapter adapter(String channel) {
        return RedisAdapter.url(SENTINEL.set().url(), channel);
    }
}
