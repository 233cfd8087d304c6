package org.synchub.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.synchub.SyncHealth;
import org.synchub.SyncHub;

/**
 * MicroProfile Health readiness check {@code "synchub"}: UP when {@link SyncHealth#ready()} (the backplane
 * subscription is live and the last self-probe came back), DOWN while connecting, during an outage and while probes
 * go unanswered. Its data: {@code instance}, {@code driver}, {@code subscribed}, {@code probing}, and when known
 * {@code downSince}, {@code downForMs}, {@code lastError} (while not ready), {@code lastProbeRoundTripMs}.
 *
 * <p>Added to the application by {@link org.synchub.cdi.SyncHubExtension} only when MicroProfile Health is on its
 * class path; not meant to be used directly. Thread-safe, never blocks.
 */
@Readiness
@ApplicationScoped
public class SyncHubReadinessCheck implements HealthCheck {

    @Inject
    SyncHub hub;

    /** @return UP when the hub relays now, with the hub's health as data */
    @Override
    public HealthCheckResponse call() {
        SyncHealth health = hub.health();
        return HealthResponses.of(hub, health, health.ready());
    }
}
