package org.synchub.example;

import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.PayaraMicroServer;

import java.util.Map;

/** Two Payara Micro instances sharing a private Redis (started by the test on a free loopback port). */
class PayaraRedisIT extends ChatClusterContract {

    @Override
    String clusterName() {
        return "payara-redis";
    }

    @Override
    AppServer createServer(String name) {
        return PayaraMicroServer.create(name);
    }

    @Override
    boolean hasMicroProfileHealth() {
        return true;
    }

    @Override
    boolean serverMetricsShowTheHub() {
        return true;
    }

    @Override
    AutoCloseable startBackplane(Map<String, String> env) throws Exception {
        return redisBackplane(env);
    }
}
