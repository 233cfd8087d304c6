package org.synchub.core;

import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.HubNode;
import org.synchub.tck.SyncHubTck;
import org.synchub.testing.TyrusHubNode;

/**
 * The hub behaviour suite over real WebSockets (Tyrus), hubs linked by the jvm driver, with the portable send path
 * forced ({@code synchub.send.portable=true} in the builder's configuration): the path every container keeps.
 * {@link HubOverJvmDriverTckTest} runs the same suite on Tyrus's fast path.
 */
class HubOverJvmDriverPortableSendTckTest extends SyncHubTck {

    @Override
    protected HubNode startNode(String channel) throws Exception {
        return TyrusHubNode.start(PortableOnly.build(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel))));
    }

    /** Builds hubs with the portable send path forced through the builder's own key. */
    static final class PortableOnly {
        private PortableOnly() {
        }

        static org.synchub.SyncHub build(SyncHubBuilder builder) {
            return builder.configure(key -> key.equals(SyncHubBuilder.SEND_PORTABLE) ? java.util.Optional.of("true")
                    : java.util.Optional.empty()).build();
        }
    }
}
