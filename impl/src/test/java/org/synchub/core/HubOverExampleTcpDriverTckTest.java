package org.synchub.core;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.tck.HubNode;
import org.synchub.tck.SyncHubTck;
import org.synchub.testing.ClassTcpBroker;
import org.synchub.testing.TyrusHubNode;

/**
 * The hub behaviour suite over real WebSockets (Tyrus), hubs linked through the relay by the TCK's example TCP
 * driver: a backplane written against the SPI alone carries the hub.
 */
class HubOverExampleTcpDriverTckTest extends SyncHubTck {

    @RegisterExtension
    static final ClassTcpBroker BROKER = new ClassTcpBroker();

    @Override
    protected HubNode startNode(String channel) throws Exception {
        return TyrusHubNode.start(SyncHubBuilder.create().adapter(BROKER.adapter(channel)).build());
    }
}
