package org.synchub.driver.jvm;

import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncPresenceStoreTck;

/** The in-JVM presence store passes the presence store conformance suite. */
class JvmPresenceStoreTckTest extends SyncPresenceStoreTck {

    @Override
    protected SyncAdapter adapter(String channel) {
        return JvmAdapter.channel(channel);
    }
}
