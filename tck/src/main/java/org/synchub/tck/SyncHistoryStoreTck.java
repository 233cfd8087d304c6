package org.synchub.tck;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.synchub.SyncMessage;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.spi.Envelope;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncHistoryStore;
import org.synchub.spi.SyncHistoryStore.Append;
import org.synchub.spi.SyncHistoryStore.Limits;
import org.synchub.spi.SyncHistoryStore.Read;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conformance suite of a driver's {@link SyncHistoryStore} (the contract is that interface's Javadoc). Extend it
 * in a JUnit 5 test and supply {@link #adapter(String)}; override {@link #loseHistory(String)} when the test can make
 * the backplane lose its store (a restart without persistence), to check that a new epoch follows. Each test uses
 * fresh channels and topics; nodes are {@link DriverNode}s, so the frames the store relays are received and decoded
 * as a hub's relay would.
 */
public abstract class SyncHistoryStoreTck {

    private final List<DriverNode> nodes = new ArrayList<>();

    /**
     * An adapter for {@code channel} on the backplane under test; its driver must have a history store.
     *
     * @param channel a fresh channel name
     * @return the adapter
     * @throws Exception when the backplane cannot be set up
     */
    protected abstract SyncAdapter adapter(String channel) throws Exception;

    /**
     * Makes the backplane of {@code channel} lose every history (restart it without persistence, say), with every
     * node still open; false (the default) skips the test.
     *
     * @param channel the channel
     * @return whether the history was lost
     * @throws Exception when that failed
     */
    protected boolean loseHistory(String channel) throws Exception {
        return false;
    }

    /** @return the deadline of every wait; 10 s unless overridden */
    protected Duration timeout() {
        return Duration.ofSeconds(10);
    }

    private static final Limits LIMITS = new Limits(100, 300_000);

    private DriverNode node(String channel) throws Exception {
        DriverNode node = new DriverNode(adapter(channel), new RecordingContext());
        nodes.add(node);
        return node;
    }

    private static SyncHistoryStore store(DriverNode node) {
        return node.driver().history().orElseThrow(() -> new AssertionError(node.driver()
                + " has no history store (SyncDriver.history() is empty)"));
    }

    private static String fresh(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Append append(String instance, String topic, String text, long seq) {
        String prefix = EnvelopeCodec.positionedPrefix(instance, SyncMessage.text("/tck", topic, text), seq);
        return new Append(topic, prefix.getBytes(StandardCharsets.UTF_8),
                EnvelopeCodec.POSITIONED_SUFFIX.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] frame(Append append, SyncPosition position) {
        return (new String(append.prefix(), StandardCharsets.UTF_8) + EnvelopeCodec.positionJson(position)
                + new String(append.suffix(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes on a warm-up topic until {@code to} hears it: the subscription is live. */
    private void connect(DriverNode from, DriverNode to) throws InterruptedException {
        String topic = fresh("warm");
        long deadline = System.nanoTime() + timeout().toNanos();
        while (System.nanoTime() < deadline) {
            try {
                store(from).publish(List.of(append("warm", topic, "w", -1)), LIMITS);
            } catch (Exception e) {
                throw new AssertionError("publish failed", e);
            }
            Envelope heard = to.nextEnvelope(Duration.ofMillis(200));
            if (heard != null && heard.message().topic().equals(topic)) {
                while (to.nextEnvelope(Duration.ofMillis(100)) != null) {
                    // drain late warm-ups
                }
                return;
            }
        }
        throw new AssertionError("the store's relay did not reach the other node within " + timeout());
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(DriverNode::close);
        nodes.clear();
    }

    @Test
    void aNewTopicStartsAtOffsetZeroAndItsEpochIsStableAndShared() throws Exception {
        String channel = fresh("tckh");
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        String topic = fresh("t");
        SyncPosition top = store(a).top(topic);
        assertEquals(0, top.offset());
        assertTrue(SyncPosition.validEpoch(top.epoch()));
        assertEquals(top, store(a).top(topic));
        assertEquals(top, store(b).top(topic), "every instance on the channel sees the same history");
        assertNotEquals(top.epoch(), store(a).top(fresh("other")).epoch(), "each topic's history has its own epoch");
    }

    @Test
    void publishNumbersConsecutivelyKeepsTheExactFrameAndRelaysItInOrder() throws Exception {
        String channel = fresh("tckh");
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        connect(a, b);
        String topic = fresh("t");
        List<Append> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(append(a.context().instanceId(), topic, "m" + i, i));
        }
        List<SyncPosition> positions = store(a).publish(batch, LIMITS);
        assertEquals(5, positions.size());
        String epoch = positions.get(0).epoch();
        for (int i = 0; i < 5; i++) {
            assertEquals(new SyncPosition(epoch, i + 1), positions.get(i));
            Envelope heard = b.nextEnvelope(timeout());
            assertNotNull(heard, "message " + i + " was not relayed");
            assertEquals("m" + i, heard.message().text());
            assertEquals(positions.get(i), heard.position(), "the relayed frame carries its position");
        }
        assertEquals(new SyncPosition(epoch, 5), store(b).top(topic));
        Read read = store(b).read(topic, new SyncPosition(epoch, 2), 10, LIMITS);
        assertNull(read.refused());
        assertEquals(new SyncPosition(epoch, 5), read.top());
        assertEquals(3, read.frames().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(positions.get(i + 2), read.frames().get(i).position());
            assertArrayEquals(frame(batch.get(i + 2), positions.get(i + 2)), read.frames().get(i).frame(),
                    "the kept frame is prefix + position JSON + suffix");
        }
        Read limited = store(a).read(topic, new SyncPosition(epoch, 0), 2, LIMITS);
        assertEquals(List.of(positions.get(0), positions.get(1)),
                limited.frames().stream().map(SyncHistoryStore.Stored::position).toList(), "at most max frames");
        assertTrue(store(a).read(topic, new SyncPosition(epoch, 5), 10, LIMITS).frames().isEmpty());
    }

    @Test
    void twoPublishersNeverInterleaveNumberingAndRelaying() throws Exception {
        String channel = fresh("tckh");
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        DriverNode listener = node(channel);
        connect(a, listener);
        connect(b, listener);
        String topic = fresh("t");
        int each = 200;
        List<SyncPosition> all = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (DriverNode publisher : List.of(a, b)) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i += 10) {
                        List<Append> batch = new ArrayList<>();
                        for (int k = 0; k < 10; k++) {
                            batch.add(append(publisher.context().instanceId(), topic, "x", i + k));
                        }
                        all.addAll(store(publisher).publish(batch, new Limits(1000, 300_000)));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(timeout().toMillis());
        }
        assertEquals(List.of(), errors);
        Set<Long> offsets = new TreeSet<>();
        for (SyncPosition p : all) {
            assertTrue(offsets.add(p.offset()), "offset " + p.offset() + " given twice");
        }
        assertEquals(2 * each, offsets.size());
        assertEquals(2L * each, ((TreeSet<Long>) offsets).last(), "offsets 1.." + 2 * each + " without holes");
        long expected = 1;
        for (int i = 0; i < 2 * each; i++) {
            Envelope heard = listener.nextEnvelope(timeout());
            assertNotNull(heard, "relayed message " + expected + " missing");
            assertEquals(expected++, heard.position().offset(), "a listener hears a topic's frames in offset order");
        }
    }

    @Test
    void aPositionOfAnotherEpochOrAboveTheTopIsRefused() throws Exception {
        DriverNode a = node(fresh("tckh"));
        String topic = fresh("t");
        SyncPosition p = store(a).publish(List.of(append("x", topic, "m", 0)), LIMITS).get(0);
        Read other = store(a).read(topic, new SyncPosition("someotherepoch", 0), 10, LIMITS);
        assertEquals(SyncRecovery.Reason.EPOCH_CHANGED, other.refused());
        assertEquals(p, other.top());
        assertTrue(other.frames().isEmpty());
        assertEquals(SyncRecovery.Reason.EPOCH_CHANGED,
                store(a).read(topic, new SyncPosition(p.epoch(), 7), 10, LIMITS).refused());
    }

    @Test
    void onlyTheLastSizeMessagesAreKept() throws Exception {
        DriverNode a = node(fresh("tckh"));
        String topic = fresh("t");
        Limits three = new Limits(3, 300_000);
        List<SyncPosition> positions = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            positions.addAll(store(a).publish(List.of(append("x", topic, "m" + i, i)), three));
        }
        String epoch = positions.get(0).epoch();
        assertEquals(SyncRecovery.Reason.TOO_OLD, store(a).read(topic, new SyncPosition(epoch, 1), 10, three)
                .refused(), "message 2 is no longer kept");
        Read kept = store(a).read(topic, new SyncPosition(epoch, 3), 10, three);
        assertNull(kept.refused());
        assertEquals(positions.subList(3, 6), kept.frames().stream().map(SyncHistoryStore.Stored::position).toList());
    }

    @Test
    void messagesOlderThanTheTtlAreNotReplayed() throws Exception {
        DriverNode a = node(fresh("tckh"));
        String topic = fresh("t");
        Limits oneSecond = new Limits(100, 1_000);
        SyncPosition p = store(a).publish(List.of(append("x", topic, "old", 0)), oneSecond).get(0);
        SyncPosition before = new SyncPosition(p.epoch(), 0);
        Await.until(Duration.ofSeconds(10), "the message to expire", () -> {
            try {
                return store(a).read(topic, before, 10, oneSecond).refused() == SyncRecovery.Reason.TOO_OLD;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(p, store(a).read(topic, p, 10, oneSecond).top(), "the top stays");
        assertNull(store(a).read(topic, p, 10, oneSecond).refused(), "nothing after the top is missing");
    }

    @Test
    void aLostHistoryComesBackWithANewEpoch() throws Exception {
        String channel = fresh("tckh");
        DriverNode a = node(channel);
        String topic = fresh("t");
        SyncPosition p = store(a).publish(List.of(append("x", topic, "m", 0)), LIMITS).get(0);
        Assumptions.assumeTrue(loseHistory(channel), "this backplane cannot be made to lose its history here");
        Await.until(timeout(), "the store to answer again", () -> {
            try {
                store(a).top(topic);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        SyncPosition after = store(a).top(topic);
        assertNotEquals(p.epoch(), after.epoch(), "a lost history must never reuse its epoch");
        assertEquals(SyncRecovery.Reason.EPOCH_CHANGED, store(a).read(topic, p, 10, LIMITS).refused());
    }
}
