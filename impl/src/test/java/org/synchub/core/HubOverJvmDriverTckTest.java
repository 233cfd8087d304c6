package org.synchub.core;

import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.HubNode;
import org.synchub.tck.SyncHubTck;
import org.synchub.testing.TyrusHubNode;

/** The hub behaviour suite over real WebSockets (Tyrus), hubs linked by the jvm driver. */
class HubOverJvmDriverTckTest extends SyncHubTck {

    @Override
    protected HubNode startNode(String channel) throws Exception {
        return TyrusHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).build());
    }
}
