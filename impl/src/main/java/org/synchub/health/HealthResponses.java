package org.synchub.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.synchub.SyncHealth;
import org.synchub.SyncHub;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Turns a hub's {@link SyncHealth} into the MicroProfile Health response both checks return. */
final class HealthResponses {

    /** The name both checks report under. */
    static final String NAME = "synchub";

    private HealthResponses() {
    }

    /**
     * The response for one check: UP when {@code up}, with the hub's health as data (entries that are null, such
     * as {@code downSince} while ready, are left out; {@code lastError} only while not ready or not live).
     */
    static HealthCheckResponse of(SyncHub hub, SyncHealth health, boolean up) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("instance", hub.instanceId());
        data.put("driver", health.driver());
        data.put("subscribed", health.subscribed());
        data.put("probing", health.probing());
        if (health.downSince() != null) {
            data.put("downSince", health.downSince().toString());
            data.put("downForMs", health.downFor(Instant.now()).toMillis());
        }
        if (health.lastError() != null && !(health.ready() && health.live())) { // else it is history
            data.put("lastError", health.lastError());
        }
        if (health.lastProbeRoundTrip() != null) {
            data.put("lastProbeRoundTripMs", health.lastProbeRoundTrip().toMillis());
        }
        // The public constructor needs no HealthCheckResponseProvider (the server's or any other).
        return new HealthCheckResponse(NAME, up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                Optional.of(data));
    }
}
