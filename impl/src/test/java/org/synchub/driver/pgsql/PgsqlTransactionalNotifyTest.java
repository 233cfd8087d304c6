package org.synchub.driver.pgsql;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncMessage;
import org.synchub.SyncMessageTooLargeException;
import org.synchub.core.SyncHubBuilder;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;
import org.synchub.testing.ClassPostgres;
import org.synchub.testing.TyrusHubNode;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A NOTIFY issued on the application's own connection inside its transaction, with a real PostgreSQL and two hubs
 * behind real WebSocket servers: delivered to both instances (the local one included) exactly when the transaction
 * commits, atomically with the data it wrote, and nowhere after a rollback.
 */
class PgsqlTransactionalNotifyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres(null);

    @RegisterExtension
    final Cleanup resources = new Cleanup();

    @BeforeAll
    static void createTable() throws Exception {
        try (Connection c = POSTGRES.server().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE chat_line (id serial PRIMARY KEY, text text NOT NULL)");
        }
    }

    private TckClient client(TyrusHubNode node) throws Exception {
        return resources.add(TckClient.subscribed(node, "/room", "t", TIMEOUT));
    }

    @Test
    void deliveredEverywhereAtCommitAndNowhereAfterARollback() throws Exception {
        String channel = "tx_" + UUID.randomUUID().toString().substring(0, 8);
        TyrusHubNode here = TyrusHubNode.start(SyncHubBuilder.create()
                .adapter(PgsqlAdapter.dataSource(POSTGRES.server().dataSource("hub-here"), channel)).build());
        resources.add(here);
        TyrusHubNode there = TyrusHubNode.start(SyncHubBuilder.create()
                .adapter(PgsqlAdapter.dataSource(POSTGRES.server().dataSource("hub-there"), channel)).build());
        resources.add(there);
        TckClient onHere = client(here);
        TckClient onThere = client(there);
        Await.until(TIMEOUT, "both listening", () -> here.hub().health().subscribed() && there.hub().health().subscribed());

        try (Connection app = POSTGRES.server().connect()) {
            app.setAutoCommit(false);
            try (Statement s = app.createStatement()) {
                s.execute("INSERT INTO chat_line (text) VALUES ('rolled back')");
            }
            PgsqlTransactionalNotify.publish(app, channel, SyncMessage.text(SyncMessage.ALL_NAMESPACES, "t", "rolled back"));
            app.rollback();

            try (Statement s = app.createStatement()) {
                s.execute("INSERT INTO chat_line (text) VALUES ('committed')");
            }
            PgsqlTransactionalNotify.publish(app, channel, SyncMessage.text(SyncMessage.ALL_NAMESPACES, "t", "committed"));
            // nothing before the commit: a message the hub publishes now is each client's next
            here.hub().publish("t", "before-commit");
            assertEquals("before-commit", onHere.nextText(TIMEOUT), "nothing before the commit");
            assertEquals("before-commit", onThere.nextText(TIMEOUT), "nothing before the commit");
            app.commit();
        }
        // each client's next message is the committed one: the rolled-back NOTIFY was never delivered
        assertEquals("committed", onHere.nextText(TIMEOUT), "the local instance gets it at commit");
        assertEquals("committed", onThere.nextText(TIMEOUT));

        try (Connection app = POSTGRES.server().connect()) {
            assertThrows(SyncMessageTooLargeException.class, () -> PgsqlTransactionalNotify.publish(app, channel,
                    SyncMessage.text(SyncMessage.ALL_NAMESPACES, "t", "x".repeat(9_000))));
        }
    }
}
