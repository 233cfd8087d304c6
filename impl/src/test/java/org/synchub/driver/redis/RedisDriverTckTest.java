package org.synchub.driver.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncDriverTck;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;

/** The redis driver against the driver conformance suite, on a private redis-server. */
class RedisDriverTckTest extends SyncDriverTck {

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
    protected boolean injectRaw(String channel, String frame) {
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            jedis.publish(channel, frame);
        }
        return true;
    }
}
