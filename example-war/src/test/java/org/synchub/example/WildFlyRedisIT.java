package org.synchub.example;

import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.WildFlyServer;

import java.util.Map;

/** Two WildFly instances sharing a private Redis (started by the test on a free loopback port). */
class WildFlyRedisIT extends ChatClusterContract {

    @Override
    String clusterName() {
        return "wildfly-redis";
    }

    @Override
    AppServer createServer(String name) {
        return WildFlyServer.create(name);
    }

    @Override
    AutoCloseable startBackplane(Map<String, String> env) throws Exception {
        return redisBackplane(env);
    }
}
