package org.synchub.driver.host;

import org.junit.jupiter.api.io.TempDir;
import org.synchub.core.SyncHubBuilder;
import org.synchub.tck.HubNode;
import org.synchub.tck.SyncHubTck;
import org.synchub.testing.TyrusHubNode;

import java.nio.file.Path;

/**
 * The hub behaviour suite over real WebSockets (Tyrus), hubs linked by the host driver in a private directory,
 * self-probing every 200 ms (so that probes run alongside everything the suite checks).
 */
class HubOverHostDriverTckTest extends SyncHubTck {

    @TempDir
    static Path dir;

    @Override
    protected HubNode startNode(String channel) throws Exception {
        // a probe slower than the interval makes the hub listen on a new socket (losing what is in flight): an
        // interval a loaded machine does not miss
        return TyrusHubNode.start(SyncHubBuilder.create().adapter(HostAdapter.directory(dir, channel))
                .probeIntervalMillis(1_000).build());
    }
}
