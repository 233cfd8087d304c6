package org.synchub.driver.pgsql;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncDriverTck;
import org.synchub.testing.ClassPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;

/** The pgsql driver against the driver conformance suite, on a private PostgreSQL server. */
class PgsqlDriverTckTest extends SyncDriverTck {

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres("synchub-tck");

    @Override
    protected SyncAdapter adapter(String channel) {
        return PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel);
    }

    @Override
    protected boolean injectRaw(String channel, String frame) throws Exception {
        try (Connection c = POSTGRES.server().connect();
             PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, frame);
            ps.execute();
        }
        return true;
    }
}
