package org.synchub.example;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.WildFlyServer;
import org.synchub.testing.PostgresServer;

import java.util.Map;

/** Two WildFly instances sharing a private PostgreSQL (LISTEN/NOTIFY; started by the test on a free port). */
class WildFlyPgsqlIT extends ChatClusterContract {

    static PostgresServer postgres;
    static AppServer one;
    static AppServer two;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.launch();
        Map<String, String> env = Map.of("SYNCHUB_DRIVER", "pgsql", "SYNCHUB_PGSQL_URL", postgres.jdbcUrl(),
                "SYNCHUB_PGSQL_USER", postgres.user(), "SYNCHUB_CHANNEL", "wildfly_pgsql_it");
        one = WildFlyServer.create("wildfly-pgsql-1").env(env).env("CHAT_INSTANCE", "wf-pgsql-1");
        two = WildFlyServer.create("wildfly-pgsql-2").env(env).env("CHAT_INSTANCE", "wf-pgsql-2");
        AppServer.startAll(one, two);
        awaitLinked(one, two);
    }

    @AfterAll
    static void stop() throws Exception {
        stopAll(postgres, one, two);
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
