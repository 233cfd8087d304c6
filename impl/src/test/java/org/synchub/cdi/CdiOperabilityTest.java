package org.synchub.cdi;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.sdk.metrics.data.MetricData;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;
import org.synchub.SyncHub;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.RedisServer;
import org.synchub.testing.TyrusServer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the CDI layer adds for operators, in Weld SE with MicroProfile Health, Micrometer and OpenTelemetry on the
 * class path: the readiness and liveness checks (against a real Redis that is killed and restarted) and the meters
 * bound to the application's MeterRegistry and OpenTelemetry beans (real WebSocket sessions).
 */
class CdiOperabilityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Test
    void readinessFollowsTheBackplaneWhileLivenessStaysUp() throws Exception {
        String channel = "cdi-health-" + UUID.randomUUID().toString().substring(0, 8);
        try (RedisServer redis = RedisServer.start();
             WeldApp app = WeldApp.start(Map.of("synchub.driver", "redis", "synchub.channel", channel,
                     "synchub.redis.url", redis.url(), "synchub.probe.interval-ms", "1000"))) {
            HealthCheck readiness = app.select(HealthCheck.class, Readiness.Literal.INSTANCE);
            HealthCheck liveness = app.select(HealthCheck.class, Liveness.Literal.INSTANCE);
            SyncHub hub = app.select(SyncHub.class);

            Await.until(TIMEOUT, "ready, with a probe round trip",
                    () -> up(readiness) && data(readiness).containsKey("lastProbeRoundTripMs"));
            HealthCheckResponse ready = readiness.call();
            assertEquals("synchub", ready.getName());
            Map<String, Object> data = data(readiness);
            assertTrue(String.valueOf(data.get("driver")).startsWith("redis:" + channel), data.toString());
            assertEquals(hub.instanceId(), data.get("instance"));
            assertEquals(true, data.get("subscribed"));
            assertEquals(true, data.get("probing"));
            assertFalse(data.containsKey("downSince"), "ready: not down " + data);
            assertTrue(up(liveness));

            redis.kill();
            Await.until(TIMEOUT, "not ready once Redis is gone", () -> !up(readiness));
            Map<String, Object> down = data(readiness);
            assertEquals(false, down.get("subscribed"), down.toString());
            Instant since = Instant.parse((String) down.get("downSince"));
            assertFalse(since.isAfter(Instant.now()), down.toString());
            assertTrue(((Number) down.get("downForMs")).longValue() >= 0, down.toString());
            assertTrue(down.get("lastError") instanceof String s && !s.isBlank(), down.toString());
            assertTrue(up(liveness), "an outage is recovered from by itself: still live " + data(liveness));
            assertEquals("synchub", liveness.call().getName());

            redis.restart();
            Await.until(TIMEOUT, "ready again after Redis is back", () -> up(readiness));
        }
    }

    @Test
    void theHubsMetersAreBoundToTheApplicationsMeterRegistryAndOpenTelemetry() throws Exception {
        String channel = "cdi-metrics-" + UUID.randomUUID().toString().substring(0, 8);
        try (WeldApp app = WeldApp.start(Map.of("synchub.driver", "jvm", "synchub.channel", channel),
                     MetricsBackends.class);
             TyrusServer server = TyrusServer.start(ChatEndpoint.class);
             TckClient a = TckClient.connect(server.uri("/chat/lobby"));
             TckClient b = TckClient.connect(server.uri("/chat/lobby"))) {
            SyncHub hub = app.select(SyncHub.class);
            MetricsBackends backends = app.select(MetricsBackends.class);
            MeterRegistry registry = app.select(MeterRegistry.class);
            Await.until(TIMEOUT, "two sessions in the registry",
                    () -> registry.find("synchub.sessions").gauge() != null
                            && registry.get("synchub.sessions").gauge().value() == 2);
            a.send("hi");
            assertEquals("hi", b.nextText(TIMEOUT));
            Await.until(TIMEOUT, "published and delivered counted",
                    () -> registry.get("synchub.messages.published").functionCounter().count() == 1
                            && registry.get("synchub.messages.delivered").functionCounter().count() == 1);
            assertEquals(hub.instanceId(), registry.get("synchub.sessions").gauge().getId().getTag("instance"));
            assertEquals("jvm", registry.get("synchub.sessions").gauge().getId().getTag("driver"));

            Await.until(TIMEOUT, "OpenTelemetry collects the published count", () -> {
                for (MetricData d : backends.reader().collectAllMetrics()) {
                    if (d.getName().equals("synchub.messages.published")) {
                        return d.getLongSumData().getPoints().iterator().next().getValue() == 1;
                    }
                }
                return false;
            });
        }
    }

    private static boolean up(HealthCheck check) {
        return check.call().getStatus() == HealthCheckResponse.Status.UP;
    }

    private static Map<String, Object> data(HealthCheck check) {
        return check.call().getData().orElseThrow();
    }
}
