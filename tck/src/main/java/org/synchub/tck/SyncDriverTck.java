package org.synchub.tck;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncAdapter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver conformance suite. Extend it in a JUnit 5 test, supply {@link #adapter(String)} (and
 * {@link #injectRaw} if the backplane lets a test put arbitrary frames on it), and every test here must pass. Each
 * driver runs in a {@link DriverNode}, which drives it as the hub's relay does (listen on one thread, send batches on
 * another, decode what comes back), so what is tested is the transport: frames reach the other instances of the
 * channel intact and no others, a closed driver's {@code listen} returns and its threads end.
 *
 * <p>Each test uses fresh channels, so a shared backplane server is fine. Tests wait with deadlines
 * ({@link #timeout()}), and first {@link #connect connect} the nodes: they publish probes until every node has
 * heard every other, since relays published before a subscription is live are lost by design.
 */
public abstract class SyncDriverTck {

    private final List<DriverNode> nodes = new ArrayList<>();

    /**
     * An adapter for {@code channel} on the backplane under test; called for every node, so several adapters of one
     * channel must reach each other.
     *
     * @param channel a fresh channel name
     * @return the adapter
     * @throws Exception when the backplane cannot be set up (the test fails)
     */
    protected abstract SyncAdapter adapter(String channel) throws Exception;

    /**
     * Puts {@code frame} verbatim on the backplane of {@code channel}, as a foreign publisher would; returns false
     * when the driver's backplane cannot take arbitrary frames (the malformed-frame test is then skipped).
     *
     * @param channel the channel
     * @param frame   the frame, exactly as it must appear on the backplane
     * @return whether the frame was put on the backplane
     * @throws Exception when the backplane refused it (the test fails)
     */
    protected boolean injectRaw(String channel, String frame) throws Exception {
        return false;
    }

    /**
     * How long a relay may take.
     *
     * @return the deadline of every wait; 10 s unless overridden
     */
    protected Duration timeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * A fresh channel name.
     *
     * @return {@code tck-} and 8 random hex digits (short enough for every backplane)
     */
    protected String newChannel() {
        return "tck-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Opens and subscribes a driver for {@code channel}; closed after the test.
     *
     * @param channel the channel
     * @return the node
     * @throws Exception when {@link #adapter(String)} throws
     */
    protected DriverNode node(String channel) throws Exception {
        DriverNode node = new DriverNode(adapter(channel));
        nodes.add(node);
        return node;
    }

    /**
     * Waits until each node has received a probe from each other node.
     *
     * @param group the nodes to link
     * @throws AssertionError when a probe does not arrive within {@link #timeout()}
     */
    protected void connect(DriverNode... group) {
        for (DriverNode receiver : group) {
            for (DriverNode sender : group) {
                if (sender == receiver) {
                    continue;
                }
                receiver.clearProbe();
                Await.until(timeout(), "a probe to arrive (the backplane subscription is live)", () -> {
                    sender.publish(SyncMessage.text("/tck", DriverNode.PROBE_TOPIC, "probe"));
                    return waitProbe(receiver);
                });
            }
        }
    }

    private static boolean waitProbe(DriverNode receiver) {
        long until = System.nanoTime() + 50_000_000L;
        while (System.nanoTime() < until) {
            if (receiver.probed()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return receiver.probed();
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(DriverNode::close);
        nodes.clear();
    }

    /** Publishes a marker from {@code from} and asserts that it is the next thing {@code to} receives. */
    private void assertNextIsMarker(DriverNode from, DriverNode to) throws InterruptedException {
        SyncMessage marker = SyncMessage.text("/tck", "marker", UUID.randomUUID().toString());
        from.publish(marker);
        assertEquals(marker, to.next(timeout()), "expected only the marker");
    }

    @Test
    void publishReachesTheOtherInstanceAndNotItself() throws Exception {
        String channel = newChannel();
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        connect(a, b);
        SyncMessage m = SyncMessage.text("/chat", "room-1", "hello");
        a.publish(m);
        assertEquals(m, b.next(timeout()));
        assertNextIsMarker(b, a);
    }

    @Test
    void relayWorksBothWays() throws Exception {
        String channel = newChannel();
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        connect(a, b);
        a.publish(SyncMessage.text("/n", "t", "a→b"));
        b.publish(SyncMessage.text("/n", "t", "b→a"));
        assertEquals("a→b", b.next(timeout()).text());
        assertEquals("b→a", a.next(timeout()).text());
    }

    @Test
    void everyByteValueSurvives() throws Exception {
        String channel = newChannel();
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        connect(a, b);
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        a.publish(SyncMessage.binary("/bin", "b", all));
        SyncMessage got = b.next(timeout());
        assertTrue(got.isBinary(), "binary flag lost");
        assertArrayEquals(all, got.bytes());
    }

    @Test
    void unicodeAndJsonLookingTextSurvive() throws Exception {
        String channel = newChannel();
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        connect(a, b);
        List<SyncMessage> sent = List.of(
                SyncMessage.text("/ünï", "tøpic ✓", "héllo wörld ✓ 😀"),
                SyncMessage.text("/json", "t", "{\"id\":\"x\",\"msg\":{\"data\":[1,null]}}"),
                SyncMessage.text("/esc", "q\"uote\\back", "line1\nline2\t\"q\" \u0001 </script>"));
        sent.forEach(a::publish);
        List<SyncMessage> got = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            got.add(b.next(timeout()));
        }
        assertTrue(got.containsAll(sent), "expected " + sent + " got " + got);
    }

    @Test
    void emptyPayloadsSurvive() throws Exception {
        String channel = newChannel();
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        connect(a, b);
        a.publish(SyncMessage.text("/e", "t", ""));
        a.publish(SyncMessage.binary("/e", "t", new byte[0]));
        List<SyncMessage> got = List.of(b.next(timeout()), b.next(timeout()));
        assertTrue(got.contains(SyncMessage.text("/e", "t", "")), got.toString());
        assertTrue(got.contains(SyncMessage.binary("/e", "t", new byte[0])), got.toString());
    }

    @Test
    void threeInstancesAllReceive() throws Exception {
        String channel = newChannel();
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        DriverNode c = node(channel);
        connect(a, b, c);
        SyncMessage m = SyncMessage.text("", "all", "to everyone");
        a.publish(m);
        assertEquals(m, b.next(timeout()));
        assertEquals(m, c.next(timeout()));
        assertNextIsMarker(c, a);
    }

    @Test
    void aDifferentChannelDoesNotBridge() throws Exception {
        String channel = newChannel();
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        String otherChannel = newChannel();
        DriverNode other1 = node(otherChannel);
        DriverNode other2 = node(otherChannel);
        connect(a, b);
        connect(other1, other2);
        other1.publish(SyncMessage.text("/n", "t", "elsewhere"));
        assertEquals("elsewhere", other2.next(timeout()).text());
        assertNextIsMarker(a, b);
        assertNull(a.poll(), "a received a message from another channel");
    }

    @Test
    void aMalformedFrameIsDroppedAndCounted() throws Exception {
        String channel = newChannel();
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        connect(a, b);
        Assumptions.assumeTrue(injectRaw(channel, "this is not an envelope {"),
                "this backplane cannot carry a foreign frame");
        injectRaw(channel, "{\"id\":\"x\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":true,\"data\":\"!!!\"}}");
        assertNextIsMarker(a, b);
        Await.until(timeout(), "two malformed frames counted", () -> b.context().malformed() >= 2);
        assertTrue(b.context().failed(SyncStage.DELIVERY), "malformed frames are reported as DELIVERY");
    }

    /**
     * Frames a hostile or broken peer may publish, each of which the receiver must drop and count as malformed
     * (none may hang or kill its listener). Small enough for a PostgreSQL NOTIFY payload (under 8000 bytes), and
     * free of NUL and lone surrogates, which some backplanes cannot carry.
     *
     * @return the frames; override to add a backplane's own
     */
    protected List<String> hostileFrames() {
        String valid = "{\"pad\":{\"a\":[1,{\"b\":[true,null,\"s\"]}],\"c\":{}},\"id\":\"hostile\",\"msg\":"
                + "{\"x\":[[{\"y\":[]}]],\"namespace\":\"/tck\",\"topic\":\"t\",\"binary\":false,\"data\":\"d\","
                + "\"z\":{\"k\":[[1],[2]]}},\"seq\":[{}]}";
        List<String> frames = new ArrayList<>(List.of(
                "{\"id\":\"x\",\"msg\":[", // the 17-byte frame that hung a Parsson skipArray() for ever
                "{\"id\":\"x\",\"msg\":{",
                "not an envelope {",
                "[".repeat(1000),
                "{\"id\":\"x\",\"msg\":{\"deep\":" + "[".repeat(200) + "]".repeat(200)
                        + ",\"namespace\":\"/tck\",\"topic\":\"t\",\"data\":\"d\"}}",
                "{\"id\":1,\"msg\":{\"namespace\":\"/tck\",\"topic\":\"t\",\"data\":\"d\"}}",
                "{\"id\":\"x\",\"msg\":[{\"namespace\":\"/tck\",\"topic\":\"t\",\"data\":\"d\"}]}",
                "{\"id\":\"x\",\"msg\":{\"namespace\":null,\"topic\":\"t\",\"data\":\"d\"}}",
                "{\"id\":\"x\",\"msg\":{\"namespace\":\"/tck\",\"topic\":{},\"data\":\"d\"}}",
                "{\"id\":\"x\",\"msg\":{\"namespace\":\"/tck\",\"topic\":\"t\",\"data\":5}}",
                "{\"id\":\"x\",\"msg\":{\"namespace\":\"/tck\",\"topic\":\"t\",\"binary\":true,\"data\":\"!!!\"}}",
                "{\"id\":\"x\",\"msg\":{\"namespace\":\"/tck\",\"topic\":\"t\",\"binary\":1,\"data\":\"A\"}}",
                valid + " trailing"));
        for (int cut : new int[] {1, 9, 20, 40, 60, 80, 100, 120, valid.length() - 1}) {
            frames.add(valid.substring(0, cut));
        }
        return frames;
    }

    @Test
    void hostileFramesAreDroppedAndCountedAndTheNextValidFrameArrives() throws Exception {
        String channel = newChannel();
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        connect(a, b);
        int before = b.context().malformed();
        // an envelope carrying b's own id: an echo, dropped without being counted as malformed
        String echo = EnvelopeCodec.encode(b.context().instanceId(), SyncMessage.text("/tck", "t", "own echo"));
        Assumptions.assumeTrue(injectRaw(channel, echo), "this backplane cannot carry a foreign frame");
        List<String> hostile = hostileFrames();
        for (String frame : hostile) {
            injectRaw(channel, frame);
        }
        SyncMessage valid = SyncMessage.text("/tck", "t", "after the hostile frames");
        injectRaw(channel, EnvelopeCodec.encode("foreign-" + UUID.randomUUID(), valid));
        assertEquals(valid, b.next(timeout()), "the valid frame, and nothing before it (no echo, nothing malformed)");
        Await.until(timeout(), hostile.size() + " malformed frames counted",
                () -> b.context().malformed() - before >= hostile.size());
        assertNextIsMarker(a, b);
        assertEquals(hostile.size(), b.context().malformed() - before,
                "every hostile frame counted once as malformed, the echo not at all");
        assertTrue(b.context().failed(SyncStage.DELIVERY), "malformed frames are reported as DELIVERY");
    }

    @Test
    void closeIsIdempotentAndReleasesThreads() throws Exception {
        String channel = newChannel();
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        connect(a, b);
        a.close();
        assertDoesNotThrow(a::close);
        Await.until(timeout(), "the driver's threads to end", () -> a.context().threads().stream().noneMatch(Thread::isAlive));
    }

    @Test
    void publishAfterCloseAndBurstsNeverThrow() throws Exception {
        String channel = newChannel();
        DriverNode a = node(channel);
        DriverNode b = node(channel);
        connect(a, b);
        assertDoesNotThrow(() -> {
            for (int i = 0; i < 20_000; i++) {
                a.publish(SyncMessage.text("/burst", "t", "m" + i));
            }
        });
        b.close();
        assertDoesNotThrow(() -> b.publish(SyncMessage.text("/n", "t", "after close")));
        a.close();
        assertDoesNotThrow(() -> a.publish(SyncMessage.text("/n", "t", "after close")));
        for (RecordingContext.Failure f : a.context().failures()) {
            assertEquals(SyncStage.PUBLISH, f.stage(), "a burst may only cause PUBLISH failures: " + f);
        }
    }
}
