package org.synchub.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.Test;
import org.synchub.core.SyncHubBuilder;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusHubNode;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenTelemetry instruments read real values from running hubs (SDK with an in-memory reader, real sessions). */
class SyncHubTelemetryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void instrumentsShowWhatTwoLinkedHubsDidWithDriverAndStageAttributes() throws Exception {
        String channel = "otel-" + UUID.randomUUID().toString().substring(0, 8);
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                     .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
             TyrusHubNode one = TyrusHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).build());
             TyrusHubNode two = TyrusHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).build());
             SyncHubTelemetry telemetry = SyncHubTelemetry.register(one.hub(), otel);
             TckClient a = TckClient.connect(one.uri("/room", "t"));
             TckClient b = TckClient.connect(one.uri("/room", "t"));
             TckClient c = TckClient.connect(two.uri("/room", "t"))) {
            Await.until(TIMEOUT, "sessions subscribed", () -> one.hub().counters().sessions() == 2
                    && two.hub().counters().sessions() == 1);
            a.send("hello");
            assertEquals("hello", b.nextText(TIMEOUT));
            assertEquals("hello", c.nextText(TIMEOUT));
            c.send("back");
            assertEquals("back", a.nextText(TIMEOUT));

            Attributes common = Attributes.of(SyncHubTelemetry.DRIVER, "jvm", SyncHubTelemetry.CHANNEL, channel,
                    SyncHubTelemetry.INSTANCE, one.hub().instanceId());
            Await.until(TIMEOUT, "the counts of hub one", () -> {
                Map<String, MetricData> m = collect(reader);
                return longValue(m, "synchub.messages.published", common) == 1
                        && longValue(m, "synchub.messages.relayed", common) == 1
                        && longValue(m, "synchub.messages.received", common) == 1
                        && longValue(m, "synchub.messages.delivered", common) == 3;
            });
            Map<String, MetricData> m = collect(reader);
            assertEquals("{message}", m.get("synchub.messages.published").getUnit());
            assertEquals(2, longValue(m, "synchub.sessions", common));
            assertEquals(2, longValue(m, "synchub.subscriptions", common));
            assertEquals(2, longValue(m, "synchub.fanouts", common));
            assertTrue(m.get("synchub.fanout.duration").getDoubleSumData().getPoints().iterator().next().getValue() > 0);
            assertEquals(0, longValue(m, "synchub.messages.dropped", common));
            for (String stage : new String[] {"subscribe", "publish", "delivery"}) {
                assertEquals(0, longValue(m, "synchub.failures",
                        common.toBuilder().put(SyncHubTelemetry.STAGE, stage).build()));
            }
            for (String name : new String[] {"synchub.frames.malformed", "synchub.messages.gaps", "synchub.probes",
                    "synchub.probe.failures", "synchub.probe.duration", "synchub.relay.queue.size",
                    "synchub.session.queue.max.size"}) {
                assertTrue(m.containsKey(name), name + " in " + m.keySet());
            }

            telemetry.close();
            assertTrue(collect(reader).isEmpty(), "close() stops reporting: " + collect(reader).keySet());
        }
    }

    private static Map<String, MetricData> collect(InMemoryMetricReader reader) {
        Collection<MetricData> all = reader.collectAllMetrics();
        return all.stream().filter(d -> d.getName().startsWith("synchub."))
                .collect(Collectors.toMap(MetricData::getName, Function.identity()));
    }

    /** The value of the point of {@code name} with exactly {@code attributes}, or fails. */
    private static long longValue(Map<String, MetricData> metrics, String name, Attributes attributes) {
        MetricData data = metrics.get(name);
        if (data == null) {
            throw new AssertionError(name + " not collected; got " + metrics.keySet());
        }
        Collection<? extends PointData> points = switch (data.getType()) {
            case LONG_SUM -> data.getLongSumData().getPoints();
            case LONG_GAUGE -> data.getLongGaugeData().getPoints();
            default -> throw new AssertionError(name + " is a " + data.getType());
        };
        return points.stream().filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(p -> p instanceof io.opentelemetry.sdk.metrics.data.LongPointData l ? l.getValue() : -1)
                .findFirst().orElseThrow(() -> new AssertionError(name + " has no point with " + attributes
                        + ": " + points));
    }
}
