package org.synchub.driver.pgsql;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncPresenceStoreTck;
import org.synchub.testing.ClassPostgres;

/**
 * The PostgreSQL presence store passes the presence store conformance suite on a private server, with drivers
 * borrowing from a DataSource and with drivers opening their own connections from a URL.
 */
class PgsqlPresenceStoreTckTest {

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres("synchub-presence-tck");

    /** Connections from a DataSource, one per operation. */
    @Nested
    class FromDataSource extends SyncPresenceStoreTck {
        @Override
        protected SyncAdapter adapter(String channel) {
            return PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel);
        }
    }

    /** The driver's own presence connection, from a URL. */
    @Nested
    class FromUrl extends SyncPresenceStoreTck {
        @Override
        protected SyncAdapter adapter(String channel) {
            return PgsqlAdapter.url(POSTGRES.server().jdbcUrl(), POSTGRES.server().user(), null, channel);
        }
    }
}
