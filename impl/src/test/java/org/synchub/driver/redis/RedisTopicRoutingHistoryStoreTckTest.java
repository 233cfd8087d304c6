package org.synchub.driver.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncHistoryStoreTck;
import org.synchub.testing.RedisServer;

/** The Redis history store in topic routing (frames PUBLISHed on 4 bucket channels) against the history conformance suite. */
class RedisTopicRoutingHistoryStoreTckTest extends SyncHistoryStoreTck {

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
        return RedisClusterHistoryTest.interestedInAll(RedisAdapter.url(redis.url(), channel).withTopicRouting(4), 4);
    }
}
