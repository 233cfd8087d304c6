package org.synchub.core;

import org.synchub.SyncConfigurationException;
import org.synchub.spi.SyncDriverProvider;

import java.util.ServiceLoader;

/**
 * Finds a {@link SyncDriverProvider} by name on the class path (the context class loader's, then SyncHub's own).
 * Stateless; loads the providers on each call (the builder calls it once per {@code configure}).
 */
final class DriverProviders {

    private DriverProviders() {
    }

    /** The driver provider registered under {@code name}. */
    static SyncDriverProvider named(String name) {
        StringBuilder known = new StringBuilder();
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                DriverProviders.class.getClassLoader()}) {
            for (SyncDriverProvider provider : ServiceLoader.load(SyncDriverProvider.class, loader)) {
                if (provider.name().equals(name.trim())) {
                    return provider;
                }
                if (known.indexOf(provider.name()) < 0) {
                    known.append(known.length() == 0 ? "" : ", ").append(provider.name());
                }
            }
        }
        throw new SyncConfigurationException(SyncHubBuilder.DRIVER, "unknown driver '" + name
                + "'; the drivers on the class path are: " + known);
    }
}
