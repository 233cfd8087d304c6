package org.synchub.core;

import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.HubNode;
import org.synchub.tck.SyncHubTck;
import org.synchub.testing.TyrusHubNode;

/**
 * The hub behaviour suite over real WebSockets (Tyrus), hubs linked by the jvm driver, with the portable send path
 * forced ({@code -Dsynchub.send.portable=true} while the hubs are built): the path every container keeps.
 * {@link HubOverJvmDriverTckTest} runs the same suite on Tyrus's fast path.
 */
class HubOverJvmDriverPortableSendTckTest extends SyncHubTck {

    @Override
    protected HubNode startNode(String channel) throws Exception {
        return TyrusHubNode.start(PortableSend.build(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel))));
    }

    /** Builds hubs with the portable send path forced. */
    static final class PortableSend {
        private PortableSend() {
        }

        static synchronized org.synchub.SyncHub build(SyncHubBuilder builder) {
            String before = System.getProperty(SendPaths.PORTABLE_PROPERTY);
            System.setProperty(SendPaths.PORTABLE_PROPERTY, "true");
            try {
                return builder.build();
            } finally {
                if (before == null) {
                    System.clearProperty(SendPaths.PORTABLE_PROPERTY);
                } else {
                    System.setProperty(SendPaths.PORTABLE_PROPERTY, before);
                }
            }
        }
    }
}
