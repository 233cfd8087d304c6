package org.synchub.driver.jvm;

import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncHistoryStoreTck;

/** The jvm driver's history store against the history conformance suite. */
class JvmHistoryStoreTckTest extends SyncHistoryStoreTck {

    @Override
    protected SyncAdapter adapter(String channel) {
        return JvmAdapter.channel(channel);
    }

    @Override
    protected boolean loseHistory(String channel) {
        JvmDriver.loseHistory(channel);
        return true;
    }
}
