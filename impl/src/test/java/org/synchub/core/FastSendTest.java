package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.synchub.SyncFailure;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.HubNode;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusHubNode;
import org.synchub.testing.UndertowHubNode;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast send paths (Tyrus: pre-framed bytes; Undertow: the pre-encoded payload) against the portable one, over
 * real WebSocket sessions (Tyrus and Undertow servers, JDK clients): which path a session gets, and that messages of every frame-length class (7-bit, 16-bit and 64-bit
 * lengths, empty), text with multi-byte characters and binary, published in bursts (so that queued frames are batched
 * into one write) reach every session intact and in order, whichever path, and large fan-outs spread over the worker
 * threads keep every session's order. Seeded random input; the seed is printed on failure.
 */
class FastSendTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private DefaultSyncHub hub(boolean portable, List<SyncFailure> failures) {
        SyncHubBuilder builder = SyncHubBuilder.create().adapter(JvmAdapter.channel("fast-" + System.nanoTime()))
                .onFailure(failures::add);
        return (DefaultSyncHub) (portable ? HubOverJvmDriverPortableSendTckTest.PortableOnly.build(builder)
                : builder.build());
    }

    /** The servers the fast paths are for. */
    enum Container {
        TYRUS, UNDERTOW;

        HubNode start(DefaultSyncHub hub) throws Exception {
            return this == TYRUS ? TyrusHubNode.start(hub) : UndertowHubNode.start(hub);
        }
    }

    private HubNode node(DefaultSyncHub hub) throws Exception {
        return node(Container.TYRUS, hub);
    }

    private HubNode node(Container container, DefaultSyncHub hub) throws Exception {
        HubNode node = container.start(hub);
        open.add(node);
        return node;
    }

    private TckClient client(HubNode node, String topic) throws Exception {
        TckClient client = TckClient.connect(node.uri("/ns", topic));
        open.add(client);
        return client;
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void containerSessionsUseTheFastPathUnlessThePortableOneIsForced(Container container) throws Exception {
        for (boolean portable : new boolean[] {false, true}) {
            List<SyncFailure> failures = new CopyOnWriteArrayList<>();
            DefaultSyncHub hub = hub(portable, failures);
            HubNode node = node(container, hub);
            TckClient a = client(node, "t");
            Await.until(WAIT, "subscribed", () -> hub.counters().sessions() == 1);
            hub.publish("t", "hello");
            assertEquals("hello", a.nextText(WAIT));
            assertEquals(1, hub.snapshot().sessions().size());
            assertEquals(!portable, hub.snapshot().sessions().values().iterator().next().fastSend(),
                    portable ? "forced portable path" : container + " fast path");
            assertTrue(failures.isEmpty(), failures::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void framesOfEverySizeArriveIntactAndInOrderOnBothPaths(Container container) throws Exception {
        long seed = System.nanoTime();
        try {
            for (boolean portable : new boolean[] {false, true}) {
                roundTrip(container, portable, new Random(seed));
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }

    private void roundTrip(Container container, boolean portable, Random random) throws Exception {
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        DefaultSyncHub hub = hub(portable, failures);
        HubNode node = node(container, hub);
        List<TckClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(client(node, "t"));
        }
        Await.until(WAIT, "subscribed", () -> hub.counters().sessions() == 3);
        int[] lengths = {0, 1, 125, 126, 127, 1000, 4096, 65535, 65536, 70000};
        List<Object> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int length = i < lengths.length ? lengths[i] : lengths[random.nextInt(lengths.length)];
            if (random.nextInt(4) == 0) {
                byte[] bytes = new byte[length];
                random.nextBytes(bytes);
                sent.add(bytes);
                hub.publish("t", bytes);
            } else {
                String text = text(random, length, i);
                sent.add(text);
                hub.publish("t", text);
            }
        }
        for (TckClient client : clients) {
            for (int i = 0; i < sent.size(); i++) {
                Object expected = sent.get(i);
                Object got = client.next(WAIT);
                if (expected instanceof byte[] bytes) {
                    assertTrue(got instanceof byte[], "message " + i + " should be binary");
                    assertArrayEquals(bytes, (byte[]) got, "message " + i + " (portable=" + portable + ")");
                } else {
                    assertEquals(expected, got, "message " + i + " (portable=" + portable + ")");
                }
            }
        }
        assertTrue(failures.isEmpty(), failures::toString);
        assertEquals(portable ? 0 : 3, hub.snapshot().sessions().values().stream()
                .filter(HubSnapshot.SessionState::fastSend).count());
    }

    /** About {@code length} UTF-8 bytes of ASCII, 2-, 3- and 4-byte characters, starting with the index. */
    private static String text(Random random, int length, int index) {
        StringBuilder b = new StringBuilder().append(index).append(':');
        String[] pieces = {"a", "é", "€", "😀", "z"};
        while (b.toString().getBytes(StandardCharsets.UTF_8).length < length) {
            String piece = pieces[random.nextInt(pieces.length)];
            int chunk = Math.max(1, Math.min(512, (length - b.length()) / 4));
            b.append(piece.repeat(chunk));
        }
        return b.toString();
    }

    @Test
    void largeFanOutsSpreadOverWorkersKeepEverySessionsOrder() throws Exception {
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        DefaultSyncHub hub = (DefaultSyncHub) SyncHubBuilder.create()
                .adapter(JvmAdapter.channel("fast-" + System.nanoTime())).onFailure(failures::add)
                .configure(key -> java.util.Optional.ofNullable(java.util.Map.of(SyncHubBuilder.FANOUT_INLINE_BELOW,
                        "2", SyncHubBuilder.FANOUT_THREADS, "3").get(key))).build();
        HubNode node = node(hub);
        List<TckClient> clients = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            clients.add(client(node, "t"));
        }
        Await.until(WAIT, "subscribed", () -> hub.counters().sessions() == 12);
        int messages = 500;
        for (int i = 0; i < messages; i++) {
            hub.publish("t", "m" + i);
        }
        for (TckClient client : clients) {
            for (int i = 0; i < messages; i++) {
                assertEquals("m" + i, client.nextText(WAIT));
            }
        }
        assertTrue(failures.isEmpty(), failures::toString);
        assertTrue(hub.snapshot().fanOutHandOffs() > 0, "sends were handed to fan-out worker threads");
    }

    /**
     * A Tyrus session without an idle timeout (the default, 0) makes Tyrus schedule a do-nothing timer task on the
     * container's scheduler for every message it receives (on Payara each costs a context capture). Once the hub
     * holds the session, messages received schedule none, and the session still never times out; a timeout the
     * application sets afterwards is armed on the container's scheduler and closes the idle session.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aTyrusSessionWithoutIdleTimeoutSchedulesNoTimerTaskPerMessageReceived(boolean portable) throws Exception {
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        DefaultSyncHub hub = hub(portable, failures);
        TyrusHubNode node = TyrusHubNode.start(hub);
        open.add(node);
        java.util.concurrent.ThreadPoolExecutor timer = (java.util.concurrent.ThreadPoolExecutor)
                ((org.glassfish.tyrus.core.BaseContainer) node.container()).getScheduledExecutorService();
        TckClient sender = client(node, "t");
        TckClient receiver = client(node, "t");
        Await.until(WAIT, "subscribed", () -> hub.counters().sessions() == 2);
        long before = timer.getTaskCount();
        int messages = 200;
        for (int i = 0; i < messages; i++) {
            sender.send("m" + i);
        }
        for (int i = 0; i < messages; i++) {
            assertEquals("m" + i, receiver.nextText(WAIT)); // every message was received and handled
        }
        long scheduled = timer.getTaskCount() - before;
        assertTrue(scheduled < messages / 10, scheduled + " timer tasks scheduled for " + messages
                + " messages received");
        for (Session s : hub.snapshot().sessions().keySet()) {
            assertEquals(0, s.getMaxIdleTimeout(), "the session's timeout is left as it was");
            s.setMaxIdleTimeout(300);
        }
        Await.until(WAIT, "the idle timeout set afterwards closed both sessions",
                () -> hub.counters().sessions() == 0);
        assertTrue(failures.isEmpty(), failures::toString);
    }
}
