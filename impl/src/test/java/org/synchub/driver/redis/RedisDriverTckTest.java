package org.synchub.driver.redis;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncDriverTck;
import org.synchub.testing.ClassRedis;
import redis.clients.jedis.Jedis;

/** The redis driver against the driver conformance suite, on a private redis-server. */
class RedisDriverTckTest extends SyncDriverTck {

    @RegisterExtension
    static final ClassRedis REDIS = new ClassRedis();

    @Override
    protected SyncAdapter adapter(String channel) {
        return RedisAdapter.url(REDIS.server().url(), channel);
    }

    @Override
    protected boolean injectRaw(String channel, String frame) {
        try (Jedis jedis = new Jedis("127.0.0.1", REDIS.server().port())) {
            jedis.publish(channel, frame);
        }
        return true;
    }
}
