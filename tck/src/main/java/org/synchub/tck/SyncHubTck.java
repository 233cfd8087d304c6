package org.synchub.tck;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub behaviour suite, over real WebSocket connections. Supply {@link #startNode(String)}: a hub on a driver for
 * the given channel, behind a WebSocket server serving {@link TckEndpoint} at {@code /{ns}}. Nodes started with the
 * same channel must be linked by the driver.
 *
 * <p>Absence ("the sender does not get its own message") is asserted with a barrier: after the message, another
 * client publishes a marker, and the marker must be the next thing the checked client receives.
 */
public abstract class SyncHubTck {

    /** What the test started: nodes and clients, closed after it (failures to close are ignored). */
    @RegisterExtension
    final Cleanup resources = Cleanup.bestEffort();

    /**
     * A hub on {@code channel} behind its own WebSocket server, listening on 127.0.0.1.
     *
     * @param channel the channel; nodes started with the same one must be linked by the driver
     * @return the node, closed after the test
     * @throws Exception when the node cannot start (the test fails)
     */
    protected abstract HubNode startNode(String channel) throws Exception;

    /**
     * How long a relay or a subscription may take.
     *
     * @return the deadline of every wait; 10 s unless overridden
     */
    protected Duration timeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * Starts a node with {@link #startNode(String)} and closes it after the test.
     *
     * @param channel the channel
     * @return the node
     * @throws Exception when the node cannot start
     */
    protected HubNode node(String channel) throws Exception {
        return resources.add(startNode(channel));
    }

    /**
     * Connects a client and waits until the hub counts one more subscribed session; closed after the test.
     *
     * @param node  the node to connect to
     * @param path  the request path, the session's namespace
     * @param topic the topic the session subscribes to
     * @return the connected client
     * @throws Exception when the client cannot connect
     */
    protected TckClient subscribed(HubNode node, String path, String topic) throws Exception {
        return resources.add(TckClient.subscribed(node, path, topic, timeout()));
    }

    private static String channel() {
        return "hubtck-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void assertNextIs(TckClient client, String expected) throws InterruptedException {
        assertEquals(expected, client.nextText(timeout()));
    }

    @Test
    void localDeliveryReachesOthersButNotTheSender() throws Exception {
        HubNode node = node(channel());
        TckClient a = subscribed(node, "/chat", "room");
        TckClient b = subscribed(node, "/chat", "room");
        TckClient c = subscribed(node, "/chat", "room");
        a.send("from a");
        assertNextIs(b, "from a");
        assertNextIs(c, "from a");
        c.send("marker");
        assertNextIs(a, "marker");
    }

    @Test
    void serverPublishReachesEveryNamespace() throws Exception {
        HubNode node = node(channel());
        TckClient x = subscribed(node, "/x", "news");
        TckClient y = subscribed(node, "/y", "news");
        TckClient other = subscribed(node, "/x", "sport");
        node.hub().publish("news", "extra");
        assertNextIs(x, "extra");
        assertNextIs(y, "extra");
        node.hub().publish("sport", "marker");
        assertNextIs(other, "marker");
    }

    @Test
    void namespacesAreIsolated() throws Exception {
        HubNode node = node(channel());
        TckClient alpha1 = subscribed(node, "/alpha", "t");
        TckClient alpha2 = subscribed(node, "/alpha", "t");
        TckClient beta = subscribed(node, "/beta", "t");
        alpha1.send("alpha only");
        assertNextIs(alpha2, "alpha only");
        node.hub().publish(SyncMessage.text("/beta", "t", "marker"));
        assertNextIs(beta, "marker");
    }

    @Test
    void theEmptyNamespaceReachesAllNamespaces() throws Exception {
        HubNode node = node(channel());
        TckClient alpha = subscribed(node, "/alpha", "t");
        TckClient beta = subscribed(node, "/beta", "t");
        node.hub().publish(SyncMessage.text(SyncMessage.ALL_NAMESPACES, "t", "everyone"));
        assertNextIs(alpha, "everyone");
        assertNextIs(beta, "everyone");
        alpha.send("server:via endpoint");
        assertNextIs(alpha, "via endpoint");
        assertNextIs(beta, "via endpoint");
    }

    @Test
    void closedSessionsArePrunedWithoutUnsubscribe() throws Exception {
        HubNode node = node(channel());
        TckClient stays = subscribed(node, "/p", "t");
        TckClient leaves = subscribed(node, "/p", "t");
        assertEquals(2, node.hub().counters().sessions());
        leaves.abort();
        Await.until(timeout(), "the closed session to be pruned", () -> {
            node.hub().publish("t", "tick");
            return node.hub().counters().sessions() == 1;
        });
        assertEquals("tick", stays.nextText(timeout()));
    }

    @Test
    void aSlowClientDoesNotDelayTheOthers() throws Exception {
        HubNode node = node(channel());
        TckClient slow = TckClient.connectPaused(node.uri("/s", "t"));
        resources.add(slow);
        Await.until(timeout(), "the slow client's subscription", () -> node.hub().counters().sessions() == 1);
        TckClient fast = subscribed(node, "/s", "t");
        char[] chunk = new char[16 * 1024];
        Arrays.fill(chunk, 'x');
        String payload = new String(chunk);
        int count = 1_000; // 16 MB in all: far beyond socket buffers and the default 1 MiB queue bound
        for (int i = 0; i < count; i++) {
            // paced by the fast client: each message must reach it while the slow client's backlog grows
            node.hub().publish("t", i + ":" + payload);
            String got = fast.nextText(timeout());
            assertTrue(got.startsWith(i + ":"), "fast client got messages out of order");
        }
        assertTrue(node.hub().counters().dropped() > 0, "the slow client's overflow must be counted");
    }

    @Test
    void closeSendsGoingAwayToEverySession() throws Exception {
        HubNode node = node(channel());
        TckClient a = subscribed(node, "/c", "t");
        TckClient b = subscribed(node, "/d", "u");
        node.hub().close();
        assertEquals(1001, a.awaitCloseCode(timeout()));
        assertEquals(1001, b.awaitCloseCode(timeout()));
        node.hub().publish("t", "after close is a no-op");
        node.hub().close();
    }

    @Test
    void twoInstancesRelayTextAndBinaryButNotBackToTheSender() throws Exception {
        String channel = channel();
        HubNode nodeA = node(channel);
        HubNode nodeB = node(channel);
        TckClient a1 = subscribed(nodeA, "/chat", "room");
        TckClient a2 = subscribed(nodeA, "/chat", "room");
        TckClient b1 = subscribed(nodeB, "/chat", "room");
        TckClient b2 = subscribed(nodeB, "/chat", "room");
        TckClient bOtherRoom = subscribed(nodeB, "/chat", "other");
        awaitLinked(nodeA, nodeB);

        a1.send("hello cluster");
        assertNextIs(a2, "hello cluster");
        assertNextIs(b1, "hello cluster");
        assertNextIs(b2, "hello cluster");
        byte[] bytes = {0, 1, 2, (byte) 254, (byte) 255};
        a1.send(bytes);
        assertArrayEquals(bytes, (byte[]) a2.next(timeout()));
        assertArrayEquals(bytes, (byte[]) b1.next(timeout()));
        assertArrayEquals(bytes, (byte[]) b2.next(timeout()));

        b1.send("marker");
        assertNextIs(a1, "marker");
        nodeB.hub().publish(SyncMessage.text("/chat", "other", "other marker"));
        assertNextIs(bOtherRoom, "other marker");
        assertTrue(nodeA.hub().counters().relayed() >= 2 && nodeB.hub().counters().received() >= 2);
    }

    /**
     * Waits until a publish on each node reaches a client of the other (drivers connect asynchronously). Probes
     * go to a topic of their own, so they never reach the clients under test.
     *
     * @param a one node
     * @param b the other node, on the same channel
     * @throws Exception when a client cannot connect or send
     */
    protected void awaitLinked(HubNode a, HubNode b) throws Exception {
        TckClient onA = subscribed(a, "/chat", "__link");
        TckClient onB = subscribed(b, "/chat", "__link");
        for (HubNode from : List.of(a, b)) {
            TckClient to = from == a ? onB : onA;
            String probe = "link-" + UUID.randomUUID();
            Await.until(timeout(), "the two hubs to be linked", () -> {
                from.hub().publish(SyncMessage.text("/chat", "__link", probe));
                try {
                    return probe.equals(to.next(Duration.ofMillis(100)));
                } catch (AssertionError | InterruptedException none) {
                    return false;
                }
            });
        }
    }
}
