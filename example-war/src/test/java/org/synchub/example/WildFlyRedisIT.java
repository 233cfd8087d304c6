package org.synchub.example;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.WildFlyServer;
import org.synchub.testing.RedisServer;

import java.util.Map;

/** Two WildFly instances sharing a private Redis (started by the test on a free loopback port). */
class WildFlyRedisIT extends ChatClusterContract {

    static RedisServer redis;
    static AppServer one;
    static AppServer two;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        Map<String, String> env = Map.of("SYNCHUB_DRIVER", "redis", "SYNCHUB_REDIS_URL", redis.url(),
                "SYNCHUB_CHANNEL", "wildfly-redis-it");
        one = WildFlyServer.create("wildfly-redis-1").env(env).env("CHAT_INSTANCE", "wf-redis-1");
        two = WildFlyServer.create("wildfly-redis-2").env(env).env("CHAT_INSTANCE", "wf-redis-2");
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
