package org.synchub.metrics;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import io.micrometer.core.instrument.MeterRegistry;
import org.synchub.SyncHub;

/**
 * Binds the application's hub to the application's {@code MeterRegistry} bean, if it has exactly one, when the
 * application starts, and removes the meters when it stops. Added by {@link org.synchub.cdi.SyncHubExtension} only
 * when Micrometer is on the application's class path; not meant to be used directly.
 *
 * <p>No field or method of this class has a Micrometer type (the meters are held as an {@link AutoCloseable}):
 * containers that scan every class of the application's libraries by reflection, such as Payara, would otherwise
 * log an error for it where Micrometer is absent.
 */
@ApplicationScoped
public class MicrometerBinding {

    private AutoCloseable metrics;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started, SyncHub hub,
               Instance<MeterRegistry> registries) {
        if (registries.isResolvable() && metrics == null) {
            metrics = bind(hub, registries.get());
        }
    }

    private static AutoCloseable bind(SyncHub hub, Object registry) {
        SyncHubMetrics m = new SyncHubMetrics(hub);
        m.bindTo((MeterRegistry) registry);
        return m;
    }

    @PreDestroy
    void stop() {
        if (metrics != null) {
            try {
                metrics.close();
            } catch (Exception e) { // SyncHubMetrics.close() throws none
                throw new IllegalStateException(e);
            }
        }
    }
}
