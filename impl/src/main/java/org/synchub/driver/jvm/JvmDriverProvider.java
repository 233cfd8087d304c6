package org.synchub.driver.jvm;

import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriverProvider;

import java.util.Optional;
import java.util.function.Function;

/** Registers the {@code jvm} driver by name. Reads {@code synchub.channel}. */
public final class JvmDriverProvider implements SyncDriverProvider {

    @Override
    public String name() {
        return "jvm";
    }

    @Override
    public SyncAdapter adapter(Function<String, Optional<String>> config) {
        return JvmAdapter.channel(new Settings(config).channel());
    }
}
