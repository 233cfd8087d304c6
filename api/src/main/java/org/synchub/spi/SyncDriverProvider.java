package org.synchub.spi;

import java.util.Optional;
import java.util.function.Function;

/**
 * Makes a driver selectable by name, as {@code synchub.driver=<name>}. Registered with
 * {@link java.util.ServiceLoader} in {@code META-INF/services/org.synchub.spi.SyncDriverProvider}.
 *
 * <p>Implementations must be cheap to instantiate and must not touch the driver's client library (Jedis, pgjdbc)
 * until {@link #adapter} is called, so that an application without that library can still load every provider.
 */
public interface SyncDriverProvider {

    /**
     * The name used in {@code synchub.driver}.
     *
     * @return the name, such as {@code redis}
     */
    String name();

    /**
     * An adapter configured from {@code config}, which looks up keys such as {@code synchub.channel}. Called once
     * per hub built by name, on the building thread; may load the driver's client library (and fail if it is absent).
     *
     * @param config the configuration: a key's value, or empty when it is not set
     * @return the adapter
     * @throws org.synchub.SyncConfigurationException naming the key at fault when the configuration cannot work
     */
    SyncAdapter adapter(Function<String, Optional<String>> config);
}
