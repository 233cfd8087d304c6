package org.synchub.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncStage;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.internal.Relay;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;
import org.synchub.spi.SyncHistoryStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history store failing degrades to the relay without history, over the relay's networked path (its publishing
 * thread and {@code SyncDriver.send}): messages still reach local and remote sessions, without position; the failure
 * is reported once as {@code PUBLISH} from {@value Relay#HISTORY}; resumes are refused as {@code UNAVAILABLE}; and
 * once the store works again positions come back.
 */
class HistoryStoreFailureTest {

    @RegisterExtension
    final SessionServer server = new SessionServer();

    /** The in-JVM driver as a plain byte transport (no object fast path), with a history store that can fail. */
    static final class Breakable implements SyncAdapter {
        final SyncAdapter inner;
        final AtomicBoolean broken = new AtomicBoolean();

        Breakable(String channel) {
            this.inner = JvmAdapter.channel(channel);
        }

        @Override
        public SyncDriver open(SyncDriverContext context) {
            SyncDriver driver = inner.open(context);
            SyncHistoryStore store = driver.history().orElseThrow();
            SyncHistoryStore failing = new SyncHistoryStore() {
                @Override
                public List<SyncPosition> publish(List<Append> batch, Limits limits) throws Exception {
                    check();
                    return store.publish(batch, limits);
                }

                @Override
                public Read read(String topic, SyncPosition since, int max, Limits limits) throws Exception {
                    check();
                    return store.read(topic, since, max, limits);
                }

                @Override
                public SyncPosition top(String topic) throws Exception {
                    check();
                    return store.top(topic);
                }

                private void check() throws IOException {
                    if (broken.get()) {
                        throw new IOException("history store down (test)");
                    }
                }
            };
            return new SyncDriver() {
                @Override
                public void listen(Runnable connected) throws Exception {
                    driver.listen(connected);
                }

                @Override
                public void send(List<Frame> batch) throws Exception {
                    driver.send(batch);
                }

                @Override
                public Optional<SyncHistoryStore> history() {
                    return Optional.of(failing);
                }

                @Override
                public void close() {
                    driver.close();
                }

                @Override
                public String toString() {
                    return "breakable:" + driver;
                }
            };
        }
    }

    @Test
    void aFailingStoreDegradesToLiveRelayWithoutPositionsAndRecovers() throws Exception {
        String channel = "hf-" + UUID.randomUUID();
        List<SyncFailure> failures = Collections.synchronizedList(new ArrayList<>());
        Breakable adapterA = new Breakable(channel);
        SyncHub a = server.keep(SyncHubBuilder.create().historyTopics("room-*").onFailure(failures::add)
                .adapter(adapterA).build());
        SyncHub b = server.keep(SyncHubBuilder.create().historyTopics("room-*").adapter(new Breakable(channel))
                .build());
        var local = HistoryRecoveryTest.await(a.history().subscribe(connectSession(), "room-f", null,
                HistoryRecoveryTest.FRAMES));
        assertTrue(local.complete());
        HistoryRecoveryTest.Client onA = lastClient;
        HistoryRecoveryTest.await(b.history().subscribe(connectSession(), "room-f", null, HistoryRecoveryTest.FRAMES));
        HistoryRecoveryTest.Client onB = lastClient;
        // warm up until b hears a (the listener is live), then both have positions
        SyncPosition seen;
        do {
            a.publish("room-f", "warm");
            seen = onA.next().position();
        } while (!receivedWithin(onB));
        assertTrue(seen != null);

        adapterA.broken.set(true);
        a.publish("room-f", "while-broken");
        assertEquals(new HistoryRecoveryTest.Frame(null, false, "while-broken"), onA.next(),
                "delivered locally without position");
        assertEquals(new HistoryRecoveryTest.Frame(null, false, "while-broken"), lastNonWarm(onB),
                "relayed without position");
        a.publish("room-f", "again");
        assertEquals("again", onA.next().payload());
        long reports = failures.stream().filter(f -> f.stage() == SyncStage.PUBLISH
                && Relay.HISTORY.equals(f.source())).count();
        assertEquals(1, reports, "reported once per incident: " + failures);
        SyncRecovery refused = HistoryRecoveryTest.await(a.history().subscribe(connectSession(), "room-f", seen,
                HistoryRecoveryTest.FRAMES));
        assertEquals(SyncRecovery.refused(SyncRecovery.Reason.UNAVAILABLE, null), refused);

        adapterA.broken.set(false);
        a.publish("room-f", "fixed");
        HistoryRecoveryTest.Frame fixed = onA.next();
        assertEquals("fixed", fixed.payload());
        assertEquals(seen.epoch(), fixed.position().epoch(), "positions are back, same epoch");
    }

    private HistoryRecoveryTest.Client lastClient;

    private jakarta.websocket.Session connectSession() throws Exception {
        var client = server.connect("/chat");
        lastClient = new HistoryRecoveryTest.Client(client, server.nextSession());
        return lastClient.session();
    }

    private static boolean receivedWithin(HistoryRecoveryTest.Client client) throws InterruptedException {
        try {
            client.client().nextText(java.time.Duration.ofMillis(200));
            return true;
        } catch (AssertionError none) {
            return false;
        }
    }

    private static HistoryRecoveryTest.Frame lastNonWarm(HistoryRecoveryTest.Client client) throws Exception {
        HistoryRecoveryTest.Frame frame;
        do {
            frame = client.next();
        } while (frame.payload().equals("warm"));
        return frame;
    }
}
