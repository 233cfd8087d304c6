package org.synchub.example;

import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.WildFlyServer;

/**
 * The contract on two WildFly instances run with {@code standalone-microprofile.xml} plus the micrometer subsystem
 * ({@link WildFlyServer#withHealthAndMetrics()}): MicroProfile Health shows the hub's checks and the Prometheus
 * endpoint its meters, counters with Prometheus's {@code _total} suffix. Subclasses choose the backplane.
 */
abstract class WildFlyClusterContract extends ChatClusterContract {

    @Override
    AppServer createServer(String name) {
        return WildFlyServer.create(name).withHealthAndMetrics();
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
    String counterName(String name) {
        return name + "_total";
    }
}
