package org.synchub.core;

import org.junit.jupiter.api.Test;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriver;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusHubNode;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A driver that fails on every publish: the hub still delivers locally, never throws, reports once per incident. */
class FailureIsolationTest {

    /** A third-party driver whose backplane is permanently down. */
    private static final class BrokenDriver implements SyncDriver {
        @Override
        public void listen(Runnable connected) {
            throw new IllegalStateException("backplane unreachable (subscribe)");
        }

        @Override
        public void send(List<Frame> batch) {
            throw new IllegalStateException("backplane unreachable (publish)");
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFailingDriverNeverReachesPublishAndIsReportedOncePerIncident() throws Exception {
        List<SyncFailure> reported = new CopyOnWriteArrayList<>();
        SyncHub hub = SyncHubBuilder.create().adapter(context -> new BrokenDriver()).onFailure(reported::add).build();
        try (TyrusHubNode node = TyrusHubNode.start(hub);
             TckClient sender = TckClient.connect(node.uri("/f", "t"));
             TckClient receiver = TckClient.connect(node.uri("/f", "t"))) {
            Await.until(Duration.ofSeconds(10), "two sessions", () -> hub.counters().sessions() == 2);
            for (int i = 0; i < 100; i++) {
                int n = i;
                assertDoesNotThrow(() -> hub.publish("t", "m" + n));
            }
            sender.send("from a session");
            for (int i = 0; i < 100; i++) {
                assertEquals("m" + i, receiver.nextText(Duration.ofSeconds(10)), "local delivery must go on");
            }
            assertEquals("from a session", receiver.nextText(Duration.ofSeconds(10)));
            // the relay retries (listen again, send the next batch) and counts every failure, but reports each
            // incident once
            Await.until(Duration.ofSeconds(10), "publish and subscribe failures counted",
                    () -> hub.counters().publishFailures() >= 1 && hub.counters().subscribeFailures() >= 2);
            assertEquals(Set.of(SyncStage.SUBSCRIBE, SyncStage.PUBLISH),
                    Set.copyOf(reported.stream().map(SyncFailure::stage).toList()), reported.toString());
            assertEquals(2, reported.size(), "one report per incident: " + reported);
        }
    }

    @Test
    void withNoObserverAnIncidentIsLoggedOnceNotPerMessage() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("org.synchub");
        List<java.util.logging.LogRecord> records = new CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try (SyncHub hub = SyncHubBuilder.create().adapter(context -> new BrokenDriver()).build()) {
            for (int i = 0; i < 500; i++) {
                hub.publish("t", "m" + i);
            }
            Await.until(Duration.ofSeconds(10), "publish and subscribe failures counted",
                    () -> hub.counters().publishFailures() >= 1 && hub.counters().subscribeFailures() >= 2);
            assertEquals(2, records.size(), "one warning for SUBSCRIBE, one for PUBLISH: " + records.stream()
                    .map(java.util.logging.LogRecord::getMessage).toList());
            assertTrue(records.stream().anyMatch(r -> r.getMessage().contains("PUBLISH")), records.toString());
        } finally {
            logger.removeHandler(handler);
        }
    }
}
