package org.synchub.driver.pgsql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncConfigurationException;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncPresenceStore;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.ClassPostgres;

import java.sql.Connection;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The presence tables on first use: a user that may not create tables gets a configuration failure naming
 * {@code synchub.presence.topics} with the DDL to run; once the owner ran it and granted access, the same store works
 * without a restart. A user that may create them gets them created.
 */
class PgsqlPresenceTablesTest {

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres("synchub-presence-tables");

    @Test
    void aUserWhoMayNotCreateTablesIsGivenTheDdlAndTheStoreWorksOnceItRan() throws Exception {
        POSTGRES.server().createDatabase("limited");
        try (Connection owner = POSTGRES.server().connect("limited"); Statement sql = owner.createStatement()) {
            sql.execute("CREATE ROLE app LOGIN");
            sql.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        }
        RecordingContext context = new RecordingContext();
        SyncDriver driver = PgsqlAdapter.url(POSTGRES.server().jdbcUrl("limited"), "app", null, "chat")
                .open(context);
        try {
            SyncPresenceStore store = driver.presence().orElseThrow();
            SyncMember alice = new SyncMember("alice", "1", context.instanceId(), "/", null);
            SyncConfigurationException refused = assertThrows(SyncConfigurationException.class,
                    () -> store.join("room", alice, 60_000));
            assertEquals("synchub.presence.topics", refused.key());
            assertTrue(refused.getMessage().contains(PresenceSql.DDL), refused.getMessage());

            try (Connection owner = POSTGRES.server().connect("limited"); Statement sql = owner.createStatement()) {
                for (String ddl : PresenceSql.DDL.split("; ")) {
                    sql.execute(ddl);
                }
                sql.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + PresenceSql.MEMBERS + ", "
                        + PresenceSql.INSTANCES + " TO app");
            }
            assertTrue(store.join("room", alice, 60_000).userEdge(), "works once the tables exist");
            assertEquals(new SyncPresence.Count(1, 1), store.count("room"));
        } finally {
            driver.close();
        }
    }

    @Test
    void aUserWhoMayCreateTablesGetsThemUnlogged() throws Exception {
        POSTGRES.server().createDatabase("owned");
        RecordingContext context = new RecordingContext();
        SyncDriver driver = PgsqlAdapter.url(POSTGRES.server().jdbcUrl("owned"), POSTGRES.server().user(), null,
                "chat").open(context);
        try {
            driver.presence().orElseThrow().join("room", new SyncMember("bob", "1", context.instanceId(), "/", null),
                    60_000);
        } finally {
            driver.close();
        }
        try (Connection owner = POSTGRES.server().connect("owned"); Statement sql = owner.createStatement();
             var rs = sql.executeQuery("SELECT count(*) FROM pg_class WHERE relname IN ('" + PresenceSql.MEMBERS
                     + "', '" + PresenceSql.INSTANCES + "') AND relpersistence = 'u'")) {
            rs.next();
            assertEquals(2, rs.getInt(1), "both tables, unlogged");
        }
    }
}
