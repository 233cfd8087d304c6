package org.synchub.core;

import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.HubNode;
import org.synchub.tck.SyncHubTck;
import org.synchub.testing.UndertowHubNode;

/** The hub behaviour suite over Undertow's Jakarta WebSocket (WildFly's), on Undertow's fast send path. */
class HubOverUndertowTckTest extends SyncHubTck {

    @Override
    protected HubNode startNode(String channel) throws Exception {
        return UndertowHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).build());
    }
}
