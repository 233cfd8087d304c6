package org.synchub.core;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.spi.SyncAdapter;
import org.synchub.testing.RedisSentinelSet;

/** Presence on a Sentinel-managed primary ({@code redis-sentinel://}): the store suite and hubs agreeing. */
class RedisSentinelPresenceTest extends RedisPresenceHubs {

    private static RedisSentinelSet set;

    @BeforeAll
    static void startSet() throws Exception {
        set = RedisSentinelSet.start();
    }

    @AfterAll
    static void stopSet() {
        set.close();
    }

    @Override
    SyncAdapter adapter(String channel) {
        return RedisAdapter.url(set.url(), channel);
    }
}
