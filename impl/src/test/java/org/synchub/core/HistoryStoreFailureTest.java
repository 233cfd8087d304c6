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
        /** Frames received that contain this text are dropped (lost on the way), when set. */
        volatile String drop;

        Breakable(String channel) {
            this.inner = JvmAdapter.channel(channel);
        }

        @Override
        public SyncDriver open(SyncDriverContext context) {
            SyncDriver driver = inner.open(new SyncDriverContext() {
                @Override
                public String instanceId() {
                    return context.instanceId();
                }

                @Override
                public Thread newThread(String name, Runnable task) {
                    return context.newThread(name, task);
                }

                @Override
                public void received(byte[] frame) {
                    String lost = drop;
                    if (lost == null || !new String(frame, java.nio.charset.StandardCharsets.UTF_8).contains(lost)) {
                        context.received(frame);
                    }
                }

                @Override
                public int maxFrameBytes() {
                    return context.maxFrameBytes();
                }

                @Override
                public void tooLarge(String why) {
                    context.tooLarge(why);
                }

                @Override
                public void failure(SyncStage stage, String source, Throwable cause) {
                    context.failure(stage, source, cause);
                }

                @Override
                public void recovered(SyncStage stage, String source) {
                    context.recovered(stage, source);
                }
            });
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

    @Test
    void aMessageLostOnTheWayIsFilledFromTheStoreInOrderOrTheLossIsSignalled() throws Exception {
        String channel = "hl-" + UUID.randomUUID();
        List<org.synchub.SyncResync> resyncs = Collections.synchronizedList(new ArrayList<>());
        SyncHub a = server.keep(SyncHubBuilder.create().historyTopics("room-*").adapter(new Breakable(channel))
                .build());
        Breakable adapterB = new Breakable(channel);
        SyncHub b = server.keep(SyncHubBuilder.create().historyTopics("room-*").onResync(resyncs::add)
                .adapter(adapterB).build());
        HistoryRecoveryTest.await(b.history().subscribe(connectSession(), "room-l", null, HistoryRecoveryTest.FRAMES));
        HistoryRecoveryTest.Client onB = lastClient;
        do {
            a.publish("room-l", "warm");
        } while (!receivedWithin(onB));
        while (receivedWithin(onB)) {
            // drain the warm-ups
        }
        adapterB.drop = "lost-1";
        a.publish("room-l", "lost-1");
        a.publish("room-l", "after-1");
        HistoryRecoveryTest.Frame filled = onB.next();
        assertEquals("lost-1", filled.payload(), "held 'after-1' until the missing one was read from the store");
        HistoryRecoveryTest.Frame next = onB.next();
        assertEquals("after-1", next.payload());
        assertEquals(filled.position().offset() + 1, next.position().offset());
        assertEquals(List.of(), resyncs);

        adapterB.drop = "lost-2";
        adapterB.broken.set(true); // and the store cannot be read
        a.publish("room-l", "lost-2");
        a.publish("room-l", "after-2");
        HistoryRecoveryTest.Frame held = onB.next();
        assertEquals("after-2", held.payload(), "delivered once the fill failed");
        assertEquals(next.position().offset() + 2, held.position().offset());
        org.synchub.tck.Await.until(HistoryRecoveryTest.WAIT, "a HISTORY resync", () -> !resyncs.isEmpty());
        assertEquals(org.synchub.SyncResync.Reason.HISTORY, resyncs.get(0).reason());
        assertEquals("room-l", resyncs.get(0).sender());
        assertEquals(1, resyncs.get(0).lostMessages());
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
