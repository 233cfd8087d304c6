package org.synchub.core;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.driver.pgsql.PgsqlAdapter;
import org.synchub.driver.pgsql.PgsqlOffload;
import org.synchub.spi.SyncAdapter;
import org.synchub.testing.ClassPostgres;

/**
 * The history property of {@link HistoryResumeStressTest} (publishers on three hubs, clients dropping and resuming
 * at random positions over real sessions) with the hubs on the pgsql backplane of a private PostgreSQL server, whose
 * history tables the driver creates on first use.
 */
class PgsqlHistoryResumeStressTest extends HistoryResumeStressTest {

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres("synchub-history-stress");

    @Override
    SyncAdapter adapter(String channel) {
        return PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel)
                .offload(new PgsqlOffload(true, PgsqlOffload.DEFAULT_TABLE, true, PgsqlOffload.DEFAULT_TTL_MS));
    }
}
