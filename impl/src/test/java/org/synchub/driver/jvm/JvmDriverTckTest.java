package org.synchub.driver.jvm;

import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncDriverTck;

/** The jvm driver against the driver conformance suite. */
class JvmDriverTckTest extends SyncDriverTck {

    @Override
    protected SyncAdapter adapter(String channel) {
        return JvmAdapter.channel(channel);
    }
}
