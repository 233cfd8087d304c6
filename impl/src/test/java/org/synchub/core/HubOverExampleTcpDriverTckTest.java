package org.synchub.core;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.synchub.tck.HubNode;
import org.synchub.tck.SyncHubTck;
import org.synchub.tck.example.TcpAdapter;
import org.synchub.tck.example.TcpBroker;
import org.synchub.testing.TyrusHubNode;

/**
 * The hub behaviour suite over real WebSockets (Tyrus), hubs linked through the relay by the TCK's example TCP
 * driver: a backplane written against the SPI alone carries the hub.
 */
class HubOverExampleTcpDriverTckTest extends SyncHubTck {

    private static TcpBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new TcpBroker();
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    @Override
    protected HubNode startNode(String channel) throws Exception {
        return TyrusHubNode.start(SyncHubBuilder.create().adapter(new TcpAdapter(broker.port(), channel)).build());
    }
}
