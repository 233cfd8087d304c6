package org.synchub.spi;

/**
 * Creates the driver of one hub instance: a hub calls {@link #open} once, when it starts, with a context carrying
 * that instance's id. An adapter holds the driver's settings (channel, client, URL); in CDI, an application may
 * produce a {@code SyncAdapter} bean, which takes precedence over MicroProfile Config.
 *
 * <p>{@code open} may be called by several hubs (one per hub instance); each call returns a new driver. It must not
 * block on the network: connecting happens in {@link SyncDriver#listen}, on the relay's thread. It throws
 * {@link org.synchub.SyncConfigurationException} for settings that can never work.
 */
@FunctionalInterface
public interface SyncAdapter {

    /**
     * A new driver for the hub instance described by {@code context}. Does not block on the network.
     *
     * @param context the hub instance's identity, threads, failure reporting and where received frames go
     * @return a new driver, not yet listening
     * @throws org.synchub.SyncConfigurationException for settings that can never work (naming the key)
     */
    SyncDriver open(SyncDriverContext context);
}
