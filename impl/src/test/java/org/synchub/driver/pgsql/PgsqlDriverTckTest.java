package org.synchub.driver.pgsql;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncDriverTck;
import org.synchub.testing.PostgresServer;

import java.sql.Connection;
import java.sql.PreparedStatement;

/** The pgsql driver against the driver conformance suite, on a private PostgreSQL server. */
class PgsqlDriverTckTest extends SyncDriverTck {

    private static PostgresServer server;
    private static PGSimpleDataSource dataSource;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.launch();
        dataSource = server.dataSource("synchub-tck");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected SyncAdapter adapter(String channel) {
        return PgsqlAdapter.dataSource(dataSource, channel);
    }

    @Override
    protected boolean injectRaw(String channel, String frame) throws Exception {
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, frame);
            ps.execute();
        }
        return true;
    }
}
