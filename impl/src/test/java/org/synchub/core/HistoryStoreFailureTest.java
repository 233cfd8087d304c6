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
import org.synchub.testing.ForwardingDriver;
import org.synchub.testing.ForwardingDriverContext;

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
        /** Frames received that contain this text are parked (late on the way) until {@link #unpark}, when set. */
        volatile String park;
        private final List<byte[]> parked = Collections.synchronizedList(new ArrayList<>());
        /** The texts of the frames handed to the hub so far (once the hub has taken each). */
        final List<String> handed = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** Store reads ({@code read}, not {@code top}) wait for this latch while it is set. */
        volatile java.util.concurrent.CountDownLatch readGate;
        /** Released once per store read that began. */
        final java.util.concurrent.Semaphore readsBegun = new java.util.concurrent.Semaphore(0);
        /** Each store {@code top} takes a permit of this semaphore while it is set. */
        volatile java.util.concurrent.Semaphore topPermits;
        private volatile SyncDriverContext hubSide;

        /** @return whether a frame containing {@code text} is parked */
        boolean parks(String text) {
            synchronized (parked) {
                return parked.stream().anyMatch(f -> new String(f, java.nio.charset.StandardCharsets.UTF_8)
                        .contains(text));
            }
        }

        /** Hands the parked frames that contain {@code text} to the hub, in the order they came. */
        void unpark(String text) {
            List<byte[]> late = new ArrayList<>();
            synchronized (parked) {
                for (var i = parked.iterator(); i.hasNext(); ) {
                    byte[] frame = i.next();
                    if (new String(frame, java.nio.charset.StandardCharsets.UTF_8).contains(text)) {
                        late.add(frame);
                        i.remove();
                    }
                }
            }
            for (byte[] frame : late) {
                hubSide.received(frame);
                handed.add(new String(frame, java.nio.charset.StandardCharsets.UTF_8));
            }
        }

        Breakable(String channel) {
            this.inner = JvmAdapter.channel(channel);
        }

        @Override
        public SyncDriver open(SyncDriverContext context) {
            hubSide = context;
            SyncDriver driver = inner.open(new ForwardingDriverContext(context) {
                @Override
                public void received(byte[] frame) {
                    String text = new String(frame, java.nio.charset.StandardCharsets.UTF_8);
                    String lost = drop;
                    String late = park;
                    if (late != null && text.contains(late)) {
                        parked.add(frame);
                    } else if (lost == null || !text.contains(lost)) {
                        context.received(frame);
                        handed.add(text);
                    }
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
                    readsBegun.release();
                    java.util.concurrent.CountDownLatch gate = readGate;
                    if (gate != null && !gate.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new IOException("read gate never opened (test)");
                    }
                    return store.read(topic, since, max, limits);
                }

                @Override
                public SyncPosition top(String topic) throws Exception {
                    check();
                    java.util.concurrent.Semaphore permits = topPermits;
                    if (permits != null && !permits.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new IOException("no top permit (test)");
                    }
                    return store.top(topic);
                }

                private void check() throws IOException {
                    if (broken.get()) {
                        throw new IOException("history store down (test)");
                    }
                }
            };
            return new ForwardingDriver(driver) {
                @Override
                public Optional<SyncHistoryStore> history() {
                    return Optional.of(failing);
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
        TwoHubs hubs = new TwoHubs("hl");
        SyncHub a = hubs.a;
        Breakable adapterB = hubs.adapterB;
        HistoryRecoveryTest.Client onB = hubs.quietOnB("room-l");
        adapterB.drop = "lost-1";
        a.publish("room-l", "lost-1");
        a.publish("room-l", "after-1");
        HistoryRecoveryTest.Frame filled = onB.next();
        assertEquals("lost-1", filled.payload(), "held 'after-1' until the missing one was read from the store");
        HistoryRecoveryTest.Frame next = onB.next();
        assertEquals("after-1", next.payload());
        assertEquals(filled.position().offset() + 1, next.position().offset());
        assertEquals(List.of(), hubs.resyncs);

        adapterB.drop = "lost-2";
        adapterB.broken.set(true); // and the store cannot be read
        a.publish("room-l", "lost-2");
        a.publish("room-l", "after-2");
        HistoryRecoveryTest.Frame held = onB.next();
        assertEquals("after-2", held.payload(), "delivered once the fill failed");
        assertEquals(next.position().offset() + 2, held.position().offset());
        org.synchub.tck.Await.until(HistoryRecoveryTest.WAIT, "a HISTORY resync", () -> !hubs.resyncs.isEmpty());
        assertEquals(org.synchub.SyncResync.Reason.HISTORY, hubs.resyncs.get(0).reason());
        assertEquals("room-l", hubs.resyncs.get(0).sender());
        assertEquals(1, hubs.resyncs.get(0).lostMessages());
    }

    /**
     * Issue 22's seam gap, made deterministic: a gap's fill is read from the store while the missing message arrives
     * after all, and a new gap opens above the range the fill asked for before its read returns. The fill must not
     * count the new gap as lost (it was flushed, its message skipped, and a HISTORY resync signalled): the new gap
     * gets its own hold and fill, and the session sees every offset in order.
     */
    @Test
    void aFillOvertakenByTheMissingMessageLeavesTheNextGapToItsOwnFill() throws Exception {
        TwoHubs hubs = new TwoHubs("hr");
        SyncHub a = hubs.a;
        Breakable adapterB = hubs.adapterB;
        HistoryRecoveryTest.Client onB = hubs.quietOnB("room-r");
        int readsBefore = adapterB.readsBegun.drainPermits();
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        adapterB.readGate = gate;

        adapterB.park = "late-1";
        a.publish("room-r", "late-1");
        a.publish("room-r", "after-1"); // held by b's sequencer: late-1 is missing
        assertTrue(adapterB.readsBegun.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS),
                "the hold ended in a fill (reads before: " + readsBefore + ")");
        adapterB.park = "late-2";
        adapterB.unpark("late-1"); // late-1 arrives while the fill's read is in flight
        HistoryRecoveryTest.Frame late1 = onB.next();
        assertEquals("late-1", late1.payload());
        HistoryRecoveryTest.Frame after1 = onB.next();
        assertEquals("after-1", after1.payload());
        assertEquals(late1.position().offset() + 1, after1.position().offset());

        a.publish("room-r", "late-2"); // parked: never arrives on the way
        a.publish("room-r", "after-2"); // a new gap, above the range the fill in flight asked for
        org.synchub.tck.Await.until(HistoryRecoveryTest.WAIT, "b took after-2",
                () -> adapterB.handed.stream().anyMatch(f -> f.contains("after-2")));
        gate.countDown(); // the first fill returns (late-1, delivered already)

        HistoryRecoveryTest.Frame late2 = onB.next();
        assertEquals("late-2", late2.payload(), "the new gap was filled from the store by a fill of its own");
        assertEquals(after1.position().offset() + 1, late2.position().offset());
        HistoryRecoveryTest.Frame after2 = onB.next();
        assertEquals("after-2", after2.payload());
        assertEquals(late2.position().offset() + 1, after2.position().offset());
        assertEquals(List.of(), hubs.historyResyncs(), "nothing was lost");
    }

    /**
     * The other half of that race: while a fill's read is in flight, one of the missing messages arrives and is held
     * behind one still missing. The fill delivers both; the held copy must then be dropped as a duplicate, not
     * delivered a second time with the rest flushed and a loss signalled.
     */
    @Test
    void aMessageHeldWhileItsFillIsInFlightIsNotDeliveredTwice() throws Exception {
        TwoHubs hubs = new TwoHubs("hd");
        SyncHub a = hubs.a;
        Breakable adapterB = hubs.adapterB;
        HistoryRecoveryTest.Client onB = hubs.quietOnB("room-d");
        adapterB.readsBegun.drainPermits();
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        adapterB.readGate = gate;

        adapterB.park = "late-";
        a.publish("room-d", "late-a");
        a.publish("room-d", "late-b");
        a.publish("room-d", "after"); // held: late-a and late-b are missing
        assertTrue(adapterB.readsBegun.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS), "a fill began");
        adapterB.unpark("late-b"); // held too, behind late-a, while the fill's read is in flight
        gate.countDown(); // the fill returns late-a and late-b

        List<String> seen = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HistoryRecoveryTest.Frame frame = onB.next();
            seen.add(frame.payload());
            offsets.add(frame.position().offset());
        }
        assertEquals(List.of("late-a", "late-b", "after"), seen);
        assertEquals(List.of(offsets.get(0), offsets.get(0) + 1, offsets.get(0) + 2), offsets);
        assertTrue(!receivedWithin(onB), "nothing more (no duplicate)");
        assertEquals(List.of(), hubs.historyResyncs(), "nothing was lost");
    }

    /**
     * A message published after the first local subscriber's baseline was read but before the backplane subscription
     * was live (Redis Cluster subscribes asynchronously) never arrives by the backplane; on a quiet topic no later
     * message shows the gap. The sequencer reads the top once more and fills it from the store.
     */
    @Test
    void aMessageMissedBeforeTheSubscriptionWasLiveComesWithoutANextMessage() throws Exception {
        TwoHubs hubs = new TwoHubs("hw");
        SyncHub a = hubs.a;
        Breakable adapterB = hubs.adapterB;
        SyncHub b = hubs.b;
        jakarta.websocket.Session plain = connectSession();
        HistoryRecoveryTest.Client plainClient = lastClient;
        b.subscribe(plain, "plain-w");
        do {
            a.publish("plain-w", "warm"); // until b hears a
        } while (!receivedWithin(plainClient));

        adapterB.park = "window"; // published in the window: never arrives by the backplane
        java.util.concurrent.Semaphore tops = new java.util.concurrent.Semaphore(2); // the baseline, the resume
        adapterB.topPermits = tops;
        SyncRecovery fresh = HistoryRecoveryTest.await(b.history().subscribe(connectSession(), "room-w", null,
                HistoryRecoveryTest.FRAMES));
        HistoryRecoveryTest.Client onB = lastClient;
        a.publish("room-w", "window");
        org.synchub.tck.Await.until(HistoryRecoveryTest.WAIT, "the window message was sent",
                () -> adapterB.parks("window"));
        tops.release(1_000); // the later look at the top may happen now

        HistoryRecoveryTest.Frame window = onB.next();
        assertEquals(new HistoryRecoveryTest.Frame(new SyncPosition(fresh.position().epoch(),
                fresh.position().offset() + 1), false, "window"), window, "filled from the store, live");
        assertEquals(List.of(), hubs.historyResyncs());
    }

    /**
     * Hub a and hub b on one fresh in-JVM channel (named {@code prefix-<uuid>}), both over a {@link Breakable} with
     * history on {@code room-*}; b records the resyncs it signals, and its adapter is at hand to drop, park or fail.
     */
    private final class TwoHubs {
        final List<org.synchub.SyncResync> resyncs = Collections.synchronizedList(new ArrayList<>());
        final SyncHub a;
        final Breakable adapterB;
        final SyncHub b;

        TwoHubs(String prefix) {
            String channel = prefix + "-" + UUID.randomUUID();
            a = server.keep(SyncHubBuilder.create().historyTopics("room-*").adapter(new Breakable(channel)).build());
            adapterB = new Breakable(channel);
            b = server.keep(SyncHubBuilder.create().historyTopics("room-*").onResync(resyncs::add).adapter(adapterB)
                    .build());
        }

        /**
         * A session on b subscribed to {@code topic} with history, once b hears a on it (a publishes "warm" until it
         * does) and the warm-ups are drained.
         */
        HistoryRecoveryTest.Client quietOnB(String topic) throws Exception {
            HistoryRecoveryTest.await(b.history().subscribe(connectSession(), topic, null, HistoryRecoveryTest.FRAMES));
            HistoryRecoveryTest.Client onB = lastClient;
            do {
                a.publish(topic, "warm");
            } while (!receivedWithin(onB));
            while (receivedWithin(onB)) {
                // drain the warm-ups
            }
            return onB;
        }

        /** @return the HISTORY resyncs b signalled so far */
        List<org.synchub.SyncResync> historyResyncs() {
            return resyncs.stream().filter(r -> r.reason() == org.synchub.SyncResync.Reason.HISTORY).toList();
        }
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
