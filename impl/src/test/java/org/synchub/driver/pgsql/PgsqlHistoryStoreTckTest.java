package org.synchub.driver.pgsql;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncHistoryStoreTck;
import org.synchub.testing.ClassPostgres;

import java.sql.Connection;
import java.sql.Statement;

/**
 * The pgsql driver's history store against the history conformance suite, on a private PostgreSQL server whose
 * tables the driver creates on first use. Losing the history is dropping the history tables (which the driver makes
 * again, with new epochs).
 */
class PgsqlHistoryStoreTckTest extends SyncHistoryStoreTck {

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres("synchub-history-tck");

    @Override
    protected SyncAdapter adapter(String channel) {
        return PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel)
                .offload(new PgsqlOffload(true, PgsqlOffload.DEFAULT_TABLE, true, PgsqlOffload.DEFAULT_TTL_MS));
    }

    @Override
    protected boolean loseHistory(String channel) throws Exception {
        try (Connection c = POSTGRES.server().connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + HistoryTables.TOPICS + ", " + HistoryTables.MESSAGES);
        }
        return true;
    }
}
