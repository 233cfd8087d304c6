package org.synchub.driver.pgsql;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;
import org.synchub.core.SyncHubBuilder;
import org.synchub.tck.HubNode;
import org.synchub.tck.SyncHubTck;
import org.synchub.testing.PostgresServer;
import org.synchub.testing.TyrusHubNode;

/** The hub behaviour suite over real WebSockets (Tyrus), hubs linked by the pgsql driver on a private server. */
class HubOverPgsqlDriverTckTest extends SyncHubTck {

    private static PostgresServer server;
    private static PGSimpleDataSource dataSource;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.launch();
        dataSource = server.dataSource("synchub-hub-tck");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected HubNode startNode(String channel) throws Exception {
        return TyrusHubNode.start(SyncHubBuilder.create().adapter(PgsqlAdapter.dataSource(dataSource, channel)).build());
    }
}
