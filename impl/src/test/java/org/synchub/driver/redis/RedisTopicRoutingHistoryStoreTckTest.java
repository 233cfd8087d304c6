package org.synchub.driver.redis;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncHistoryStoreTck;
import org.synchub.testing.ClassRedis;

/** The Redis history store in topic routing (frames PUBLISHed on 4 bucket channels) against the history conformance suite. */
class RedisTopicRoutingHistoryStoreTckTest extends SyncHistoryStoreTck {

    @RegisterExtension
    static final ClassRedis REDIS = new ClassRedis();

    @Override
    protected SyncAdapter adapter(String channel) {
        return RedisClusterHistoryTest.interestedInAll(RedisAdapter.url(REDIS.server().url(), channel).withTopicRouting(4), 4);
    }
}
