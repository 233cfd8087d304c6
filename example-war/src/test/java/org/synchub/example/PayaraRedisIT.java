package org.synchub.example;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.PayaraMicroServer;
import org.synchub.testing.RedisServer;

import java.util.Map;

/** Two Payara Micro instances sharing a private Redis (started by the test on a free loopback port). */
class PayaraRedisIT extends ChatClusterContract {

    static RedisServer redis;
    static AppServer one;
    static AppServer two;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        Map<String, String> env = Map.of("SYNCHUB_DRIVER", "redis", "SYNCHUB_REDIS_URL", redis.url(),
                "SYNCHUB_CHANNEL", "payara-redis-it");
        one = PayaraMicroServer.create("payara-redis-1").env(env).env("CHAT_INSTANCE", "pm-redis-1");
        two = PayaraMicroServer.create("payara-redis-2").env(env).env("CHAT_INSTANCE", "pm-redis-2");
        AppServer.startAll(one, two);
        awaitLinked(one, two);
    }

    @AfterAll
    static void stop() throws Exception {
        stopAll(redis, one, two);
    }

    @Override
    AppServer one() {
        return one;
    }

    @Override
    AppServer two() {
        return two;
    }
}
