package org.synchub.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.synchub.SyncHub;

/**
 * Registers the application's hub with the application's {@code OpenTelemetry} bean, if it has exactly one (a
 * MicroProfile Telemetry server provides it), when the application starts, and unregisters it when it stops.
 * Added by {@link org.synchub.cdi.SyncHubExtension} only when the OpenTelemetry API is on the application's class
 * path; not meant to be used directly.
 */
@ApplicationScoped
public class OpenTelemetryBinding {

    private SyncHubTelemetry telemetry;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started, SyncHub hub,
               Instance<OpenTelemetry> openTelemetry) {
        if (openTelemetry.isResolvable() && telemetry == null) {
            telemetry = SyncHubTelemetry.register(hub, openTelemetry.get());
        }
    }

    @PreDestroy
    void stop() {
        if (telemetry != null) {
            telemetry.close();
        }
    }
}
