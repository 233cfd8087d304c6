package org.synchub.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.synchub.core.SyncHubBuilder;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusHubNode;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Micrometer meters read real values from running hubs (jvm driver, real Tyrus sessions). */
class SyncHubMetricsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void metersShowWhatTwoLinkedHubsDidTaggedWithDriverChannelAndInstance() throws Exception {
        String channel = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        MeterRegistry registry = new SimpleMeterRegistry();
        try (TyrusHubNode one = TyrusHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).build());
             TyrusHubNode two = TyrusHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).build());
             SyncHubMetrics metrics = new SyncHubMetrics(one.hub());
             TckClient a = TckClient.connect(one.uri("/room", "t"));
             TckClient b = TckClient.connect(one.uri("/room", "t"));
             TckClient c = TckClient.connect(two.uri("/room", "t"))) {
            metrics.bindTo(registry);
            Await.until(TIMEOUT, "two sessions on hub one", () -> gauge(registry, "synchub.sessions") == 2);
            Await.until(TIMEOUT, "one session on hub two", () -> two.hub().counters().sessions() == 1);

            a.send("hello");
            assertEquals("hello", b.nextText(TIMEOUT));
            assertEquals("hello", c.nextText(TIMEOUT));
            c.send("back");
            assertEquals("back", a.nextText(TIMEOUT));
            assertEquals("back", b.nextText(TIMEOUT));

            Await.until(TIMEOUT, "counts of hub one", () -> count(registry, "synchub.messages.published") == 1
                    && count(registry, "synchub.messages.relayed") == 1
                    && count(registry, "synchub.messages.received") == 1
                    && count(registry, "synchub.messages.delivered") == 3);
            assertEquals(2, gauge(registry, "synchub.subscriptions"));
            assertEquals(0, count(registry, "synchub.messages.dropped"));
            assertEquals(0, count(registry, "synchub.frames.malformed"));
            assertEquals(0, count(registry, "synchub.messages.gaps"));
            for (String stage : new String[] {"subscribe", "publish", "delivery"}) {
                assertEquals(0, registry.get("synchub.failures").tag("stage", stage).functionCounter().count());
            }
            FunctionTimer fanOut = registry.get("synchub.fanout").functionTimer();
            assertEquals(2, fanOut.count(), "one fan-out per message published here or received");
            assertTrue(fanOut.totalTime(TimeUnit.NANOSECONDS) > 0);
            registry.get("synchub.probe").functionTimer(); // registered (jvm does not probe: 0)
            registry.get("synchub.relay.queue.bytes").gauge();
            registry.get("synchub.session.queue.max.bytes").gauge();

            for (Meter meter : registry.getMeters()) {
                assertEquals("jvm", meter.getId().getTag("driver"), meter.getId().toString());
                assertEquals(channel, meter.getId().getTag("channel"), meter.getId().toString());
                assertEquals(one.hub().instanceId(), meter.getId().getTag("instance"), meter.getId().toString());
            }

            // with no other instance left, a publish is not relayed: published and relayed part ways
            two.hub().close();
            a.send("alone");
            assertEquals("alone", b.nextText(TIMEOUT));
            Await.until(TIMEOUT, "the second publish counted", () -> count(registry, "synchub.messages.published") == 2);
            assertEquals(1, count(registry, "synchub.messages.relayed"), "relayed counts messages written for others");

            metrics.close();
            assertTrue(registry.getMeters().isEmpty(), "close() removes the meters: " + registry.getMeters());
            assertNull(registry.find("synchub.sessions").gauge());
        }
    }

    private static double count(MeterRegistry registry, String name) {
        FunctionCounter counter = registry.get(name).functionCounter();
        return counter.count();
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }
}
