package org.synchub.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.synchub.SyncHub;
import org.synchub.core.SyncHubBuilder;
import org.synchub.history.SyncPosition;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusHubNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A history topic shared with a REAL crossws server on one Redis channel: SyncHub's positioned frames (written and
 * published by the Redis history store's script) still reach crossws clients live with the payload unchanged, and
 * crossws publishes reach SyncHub's history subscribers live without position and are never replayed (they take no
 * offset). Java-side clients of a history room get {@code <position or ->|<recovered>|<payload>}
 * ({@link ChatHubServer#HISTORY_FRAMES}). Needs node and npm, as {@link CrosswsInteropTest}.
 */
class CrosswsHistoryInteropTest {

    private static final String CHANNEL = "synchub-history-interop";
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private static Backplane backplane;
    private static ChatHubServer java;
    private static CrosswsServer node;
    private final List<TckClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        backplane = Backplane.start("redis", CHANNEL);
        SyncHub hub = SyncHubBuilder.create().adapter(backplane.adapter()).historyTopics("hist-*")
                .probeIntervalMillis(1_000).build();
        java = ChatHubServer.start(hub);
        node = CrosswsServer.start(TyrusHubNode.freePort(), CHANNEL, "redis", backplane.nodeUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        try (Backplane b = backplane; CrosswsServer n = node; ChatHubServer j = java) {
            // closed in reverse order
        }
    }

    private TckClient connect(java.net.URI uri) throws Exception {
        TckClient client = TckClient.connect(uri);
        clients.add(client);
        return client;
    }

    /** The next text of {@code client} that is not a warm-up. */
    private static String next(TckClient client) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            Object m = client.next(Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000)));
            if (!(m instanceof String s) || !s.contains("warmup:")) {
                return (String) m;
            }
        }
    }

    /** Sends warm-ups from {@code sender} until {@code receiver} got one (subscriptions and publish path in place). */
    private static void warm(TckClient sender, TckClient receiver) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            sender.send("warmup:" + attempt);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < until) {
                if (receiver.pending() == 0) {
                    Thread.sleep(5); // poll within the deadline
                    continue;
                }
                Object m = receiver.next(Duration.ofSeconds(1)); // one is pending: no wait
                if (m instanceof String s && s.contains("warmup:")) {
                    while (receiver.pending() > 0) {
                        receiver.next(Duration.ofMillis(1)); // later warm-ups
                    }
                    return;
                }
            }
        }
        throw new AssertionError("warm-up did not arrive within 30 s");
    }

    @Test
    void positionedFramesReachCrosswsLiveAndCrosswsPublishesReachSyncHubWithoutPosition() throws Exception {
        String room = "/chat/hist-room";
        TckClient j1 = connect(java.uri(room));
        TckClient j2 = connect(java.uri(room));
        TckClient n = connect(node.uri(room));
        warm(j1, n);
        warm(n, j1);
        while (j2.pending() > 0) {
            j2.next(Duration.ofMillis(1));
        }

        int sniffed = backplane.frames().size();
        j1.send("from-java");
        assertEquals("from-java", next(n), "crossws decodes SyncHub's positioned envelope");
        String[] positioned = next(j2).split("\\|", 3);
        SyncPosition position = SyncPosition.parse(positioned[0]);
        assertEquals(List.of("false", "from-java"), List.of(positioned[1], positioned[2]));
        Await.until(DEADLINE, "the positioned frame on the channel", () -> backplane.frames().subList(sniffed,
                backplane.frames().size()).stream().anyMatch(f -> f.contains("\"pos\":{\"e\":\""
                        + position.epoch() + "\",\"o\":" + position.offset() + "}")));

        n.send("from-node");
        assertEquals("-|false|from-node", next(j1), "a crossws publish is live on SyncHub, without position");
        assertEquals("-|false|from-node", next(j2));

        j1.send("after");
        assertEquals("after", next(n));
        SyncPosition after = SyncPosition.parse(next(j2).split("\\|", 3)[0]);
        assertEquals(new SyncPosition(position.epoch(), position.offset() + 1), after,
                "crossws's message took no offset");

        TckClient resumed = connect(java.uri(room + "?since=" + new SyncPosition(position.epoch(),
                position.offset() - 1)));
        assertEquals(position + "|true|from-java", next(resumed));
        assertEquals(after + "|true|after", next(resumed), "crossws's message is not replayed");
        n.send("live-from-node");
        assertEquals("-|false|live-from-node", next(resumed));
        assertTrue(node.stderr().stream().allMatch(l -> l.matches("^\\(node:\\d+\\) .*Warning.*")),
                () -> "crossws wrote to stderr: " + node.stderr());
        clients.forEach(TckClient::close);
    }
}
