package org.synchub.example;

import org.synchub.testing.PostgresServer;

import java.util.Map;

/** Two WildFly instances sharing a private PostgreSQL (LISTEN/NOTIFY; started by the test on a free port). */
class WildFlyPgsqlIT extends WildFlyClusterContract {

    @Override
    String clusterName() {
        return "wildfly-pgsql";
    }

    @Override
    AutoCloseable startBackplane(Map<String, String> env) throws Exception {
        PostgresServer postgres = PostgresServer.launch();
        env.put("SYNCHUB_DRIVER", "pgsql");
        env.put("SYNCHUB_PGSQL_URL", postgres.jdbcUrl());
        env.put("SYNCHUB_PGSQL_USER", postgres.user());
        return postgres;
    }
}
