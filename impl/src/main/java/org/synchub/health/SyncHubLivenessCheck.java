package org.synchub.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.synchub.SyncHealth;
import org.synchub.SyncHub;

/**
 * MicroProfile Health liveness check {@code "synchub"}: UP unless {@link SyncHealth#live()} is false (a driver loop
 * died or is stuck inside one frame), which the hub cannot recover from by itself: restart or redeploy. A backplane
 * outage does not make it DOWN (the hub reconnects by itself; see the readiness check). Same data as
 * {@link SyncHubReadinessCheck}.
 *
 * <p>Added to the application by {@link org.synchub.cdi.SyncHubExtension} only when MicroProfile Health is on its
 * class path; not meant to be used directly. Thread-safe, never blocks.
 */
@Liveness
@ApplicationScoped
public class SyncHubLivenessCheck implements HealthCheck {

    @Inject
    SyncHub hub;

    /** @return UP while the hub can still recover by itself, with the hub's health as data */
    @Override
    public HealthCheckResponse call() {
        SyncHealth health = hub.health();
        return HealthResponses.of(hub, health, health.live());
    }
}
