package org.synchub.driver.pgsql;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.core.SyncHubBuilder;
import org.synchub.tck.HubNode;
import org.synchub.tck.SyncHubTck;
import org.synchub.testing.ClassPostgres;
import org.synchub.testing.TyrusHubNode;

/** The hub behaviour suite over real WebSockets (Tyrus), hubs linked by the pgsql driver on a private server. */
class HubOverPgsqlDriverTckTest extends SyncHubTck {

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres("synchub-hub-tck");

    @Override
    protected HubNode startNode(String channel) throws Exception {
        return TyrusHubNode.start(SyncHubBuilder.create()
                .adapter(PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel)).build());
    }
}
