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
 */
@ApplicationScoped
public class MicrometerBinding {

    private SyncHubMetrics metrics;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started, SyncHub hub,
               Instance<MeterRegistry> registries) {
        if (registries.isResolvable() && metrics == null) {
            SyncHubMetrics m = new SyncHubMetrics(hub);
            m.bindTo(registries.get());
            metrics = m;
        }
    }

    @PreDestroy
    void stop() {
        if (metrics != null) {
            metrics.close();
        }
    }
}
