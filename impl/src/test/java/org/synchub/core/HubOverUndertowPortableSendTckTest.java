package org.synchub.core;

import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.HubNode;
import org.synchub.tck.SyncHubTck;
import org.synchub.testing.UndertowHubNode;

/** The hub behaviour suite over Undertow's Jakarta WebSocket (WildFly's), with the portable send path forced. */
class HubOverUndertowPortableSendTckTest extends SyncHubTck {

    @Override
    protected HubNode startNode(String channel) throws Exception {
        return UndertowHubNode.start(HubOverJvmDriverPortableSendTckTest.PortableOnly.build(
                SyncHubBuilder.create().adapter(JvmAdapter.channel(channel))));
    }
}
