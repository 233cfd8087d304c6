package org.synchub.core;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.HubNode;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusHubNode;
import org.synchub.testing.UndertowHubNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast send paths under concurrency, over real sessions on real Tyrus and Undertow servers with JDK clients:
 * several threads publish to one topic at full speed for {@code -Dstress.seconds} (default 10) while the clients
 * read, each in its own rhythm. Then every session must have received every message exactly once, each publisher's
 * messages in that publisher's order; every session's queue must drain back to zero bytes (each send's bytes are
 * released exactly once, also with several sends in flight per session, as on Undertow's pipelined path); and
 * nothing may have been reported as failed.
 */
class FastSendStressTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int CLIENTS = 12;
    private static final int PUBLISHERS = 4;
    /** Each publisher stops here at the latest, to bound what the clients hold. */
    private static final int MAX_PER_PUBLISHER = 15_000;

    enum Container {
        TYRUS, UNDERTOW;

        HubNode start(SyncHub hub) throws Exception {
            return this == TYRUS ? TyrusHubNode.start(hub) : UndertowHubNode.start(hub);
        }
    }

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();

    @ParameterizedTest
    @EnumSource(Container.class)
    void everySessionGetsEveryMessageOnceInEachPublishersOrder(Container container) throws Exception {
        long seconds = Long.getLong("stress.seconds", 10);
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        DefaultSyncHub hub = (DefaultSyncHub) SyncHubBuilder.create()
                .adapter(JvmAdapter.channel("fast-stress-" + System.nanoTime()))
                .maxQueuedBytes(512L << 20) // nothing may be dropped: this test is about order and accounting
                .onFailure(failures::add).build();
        cleanup.add(hub);
        HubNode node = cleanup.add(container.start(hub));
        List<TckClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(cleanup.add(TckClient.subscribed(node, "/ns", "t", WAIT)));
        }
        long pipelinedBefore = hub.snapshot().batchedWrites();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int[] published = new int[PUBLISHERS];
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            int publisher = p;
            Thread thread = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                int seq = 0;
                while (System.nanoTime() < deadline && seq < MAX_PER_PUBLISHER) {
                    // mostly small, now and then a message over one frame header size class (126 and 65,536)
                    int pad = random.nextInt(1_000) == 0 ? 70_000 : random.nextInt(20) == 0 ? 3_000 : random.nextInt(120);
                    hub.publish("t", publisher + ":" + seq + ":" + "x".repeat(pad));
                    seq++;
                }
                published[publisher] = seq;
            }, "publisher-" + p);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        int total = 0;
        for (int count : published) {
            total += count;
        }
        assertTrue(total > 1_000, "the publishers published " + total);
        for (int c = 0; c < clients.size(); c++) {
            int[] next = new int[PUBLISHERS];
            TckClient client = clients.get(c);
            for (int i = 0; i < total; i++) {
                String text = client.nextText(WAIT);
                int first = text.indexOf(':');
                int second = text.indexOf(':', first + 1);
                int publisher = Integer.parseInt(text, 0, first, 10);
                int seq = Integer.parseInt(text, first + 1, second, 10);
                assertEquals(next[publisher], seq, "client " + c + ": publisher " + publisher + "'s next message");
                next[publisher]++;
            }
            for (int p = 0; p < PUBLISHERS; p++) {
                assertEquals(published[p], next[p], "client " + c + " got all of publisher " + p);
            }
        }
        Await.until(WAIT, "every session's queue drained to 0 bytes",
                () -> hub.counters().largestSessionQueueBytes() == 0);
        hub.publish("t", "end"); // sent after everything: the next frame on every connection, if nothing else came
        for (TckClient client : clients) {
            assertEquals("end", client.nextText(WAIT), "no message beyond those published");
        }
        assertEquals(CLIENTS, hub.counters().sessions());
        assertTrue(failures.isEmpty(), failures::toString);
        if (container == Container.UNDERTOW) {
            assertTrue(hub.snapshot().batchedWrites() > pipelinedBefore,
                    "some sends were started while others of the session were in flight");
        }
    }
}
