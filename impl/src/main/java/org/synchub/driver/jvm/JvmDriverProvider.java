package org.synchub.driver.jvm;

import org.synchub.internal.ChannelDriverProvider;
import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;

/** Registers the {@code jvm} driver by name. Reads {@code synchub.channel}. */
public final class JvmDriverProvider extends ChannelDriverProvider {

    /** The provider (for {@link java.util.ServiceLoader}). */
    public JvmDriverProvider() {
        super("jvm");
    }

    @Override
    protected SyncAdapter adapter(String channel, Settings settings) {
        return JvmAdapter.channel(channel);
    }
}
