package org.synchub.driver.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncHistoryStoreTck;
import org.synchub.testing.RedisServer;

/**
 * The Redis history store against the history conformance suite, on a private redis-server without persistence;
 * losing the history is a {@code kill -9} and a restart.
 */
class RedisHistoryStoreTckTest extends SyncHistoryStoreTck {

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
    protected SyncAdapter adapter(String channel) {
        return RedisAdapter.url(redis.url(), channel);
    }

    @Override
    protected boolean loseHistory(String channel) throws Exception {
        redis.kill();
        redis.restart();
        return true;
    }
}
