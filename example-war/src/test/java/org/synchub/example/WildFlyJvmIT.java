package org.synchub.example;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.WildFlyServer;

/** One WildFly instance with the jvm driver (scaffolding until a cross-process driver is on main). */
class WildFlyJvmIT extends ChatClusterContract {

    static AppServer server;

    @BeforeAll
    static void start() throws Exception {
        server = WildFlyServer.create("wildfly-jvm").env("SYNCHUB_DRIVER", "jvm").env("CHAT_INSTANCE", "wf-jvm").start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    AppServer one() {
        return server;
    }

    @Override
    AppServer two() {
        return server;
    }

    @Override
    boolean driverHasThreads() {
        return false;
    }
}
