package org.synchub.example;

import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.WildFlyServer;

import java.util.Map;

/**
 * Two WildFly instances sharing a private Redis (started by the test on a free loopback port), run with
 * {@code standalone-microprofile.xml}: MicroProfile Health shows the hub's checks.
 */
class WildFlyRedisIT extends ChatClusterContract {

    @Override
    String clusterName() {
        return "wildfly-redis";
    }

    @Override
    AppServer createServer(String name) {
        return WildFlyServer.create(name).serverConfig("standalone-microprofile.xml");
    }

    @Override
    boolean hasMicroProfileHealth() {
        return true;
    }

    @Override
    AutoCloseable startBackplane(Map<String, String> env) throws Exception {
        return redisBackplane(env);
    }
}
