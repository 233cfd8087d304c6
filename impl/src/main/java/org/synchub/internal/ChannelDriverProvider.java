package org.synchub.internal;

import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriverProvider;

import java.util.Optional;
import java.util.function.Function;

/**
 * The part every built-in {@link SyncDriverProvider} shares: its name, and reading the required
 * {@value Settings#CHANNEL_KEY} before anything else, so that a missing channel fails the same way for every
 * driver. A subclass reads only its own keys. Stateless; loading it loads no driver library.
 */
public abstract class ChannelDriverProvider implements SyncDriverProvider {

    private final String name;

    /**
     * @param name the driver's name, as in {@code synchub.driver}
     */
    protected ChannelDriverProvider(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final SyncAdapter adapter(Function<String, Optional<String>> config) {
        Settings settings = new Settings(config);
        return adapter(settings.channel(), settings);
    }

    /**
     * The adapter for {@code channel}, configured from the driver's own keys.
     *
     * @param channel  the value of {@value Settings#CHANNEL_KEY} (present, trimmed)
     * @param settings the configuration
     * @return the adapter
     * @throws org.synchub.SyncConfigurationException naming the key at fault
     */
    protected abstract SyncAdapter adapter(String channel, Settings settings);
}
