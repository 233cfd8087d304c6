package org.synchub.driver.redis;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncHistoryStoreTck;
import org.synchub.testing.ClassRedis;

/**
 * The Redis history store against the history conformance suite, on a private redis-server without persistence;
 * losing the history is a {@code kill -9} and a restart.
 */
class RedisHistoryStoreTckTest extends SyncHistoryStoreTck {

    @RegisterExtension
    static final ClassRedis REDIS = new ClassRedis();

    @Override
    protected SyncAdapter adapter(String channel) {
        return RedisAdapter.url(REDIS.server().url(), channel);
    }

    @Override
    protected boolean loseHistory(String channel) throws Exception {
        REDIS.server().kill();
        REDIS.server().restart();
        return true;
    }
}
