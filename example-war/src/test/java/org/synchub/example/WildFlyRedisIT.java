package org.synchub.example;

import org.synchub.example.servers.WildFlyServer;

import java.util.Map;

/**
 * Two WildFly instances sharing a private Redis (started by the test on a free loopback port), run with
 * {@code standalone-microprofile.xml} plus the micrometer subsystem ({@link WildFlyServer#withHealthAndMetrics()}):
 * MicroProfile Health shows the hub's checks, the Prometheus endpoint {@code /prometheus} its meters.
 */
class WildFlyRedisIT extends WildFlyClusterContract {

    @Override
    String clusterName() {
        return "wildfly-redis";
    }

    @Override
    AutoCloseable startBackplane(Map<String, String> env) throws Exception {
        return redisBackplane(env);
    }
}
