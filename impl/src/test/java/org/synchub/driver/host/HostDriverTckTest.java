package org.synchub.driver.host;

import org.junit.jupiter.api.io.TempDir;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncDriverTck;

import java.nio.file.Path;

/** The host driver against the driver conformance suite: every node of a test in one JVM, one temp directory. */
class HostDriverTckTest extends SyncDriverTck {

    @TempDir
    static Path dir;

    @Override
    protected SyncAdapter adapter(String channel) {
        return HostAdapter.directory(dir, channel);
    }

    @Override
    protected boolean injectRaw(String channel, String frame) throws Exception {
        HostSockets.writeToAll(HostAdapter.directory(dir, channel).channelDir(), HostSockets.frame(frame));
        return true;
    }
}
