package org.synchub.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncHub;
import org.synchub.SyncResync;
import org.synchub.driver.pgsql.PgsqlAdapter;
import org.synchub.driver.pgsql.PgsqlOffload;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;
import org.synchub.testing.ClassPostgres;
import org.synchub.testing.PostgresServer;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * History over the pgsql backplane with real sessions and private PostgreSQL servers: a client resumes completely
 * after the server was killed and restarted (the history is in tables, so it survives, in the same epoch); and two
 * hubs publishing on one topic at once give every client one sequence, numbered without holes, each publisher's
 * messages in its order.
 */
class PgsqlHistoryHubTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres("synchub-history-hubs");

    @RegisterExtension
    final SessionServer server = new SessionServer(session -> { }, Cleanup.bestEffort());

    private static SyncAdapter adapter(DataSource dataSource, String channel) {
        return PgsqlAdapter.dataSource(dataSource, channel)
                .offload(new PgsqlOffload(true, PgsqlOffload.DEFAULT_TABLE, true, PgsqlOffload.DEFAULT_TTL_MS));
    }

    private SyncHub hub(DataSource dataSource, String channel, List<SyncResync> resyncs) {
        return server.keep(SyncHubBuilder.create().historyTopics("room-*").historySize(1000).historyMaxRecover(1000)
                .onResync(resyncs::add).adapter(adapter(dataSource, channel)).build());
    }

    private HistoryRecoveryTest.Client connect() throws Exception {
        TckClient client = server.connect("/chat");
        return new HistoryRecoveryTest.Client(client, server.nextSession());
    }

    private static SyncRecovery await(java.util.concurrent.CompletionStage<SyncRecovery> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static HistoryRecoveryTest.Frame next(HistoryRecoveryTest.Client client) throws InterruptedException {
        return HistoryRecoveryTest.Frame.parse(client.client().nextText(WAIT));
    }

    @Test
    void aResumeAfterPostgresqlWasKilledAndRestartedIsComplete() throws Exception {
        PostgresServer postgres = server.keep(PostgresServer.launch());
        DataSource dataSource = postgres.dataSource("synchub-history-restart");
        String channel = "hr-" + UUID.randomUUID().toString().substring(0, 8);
        List<SyncResync> resyncs = Collections.synchronizedList(new ArrayList<>());
        SyncHub a = hub(dataSource, channel, resyncs);
        SyncHub b = hub(dataSource, channel, resyncs);

        HistoryRecoveryTest.Client first = connect();
        SyncPosition start = await(b.history().subscribe(first.session(), "room-1", null, HistoryRecoveryTest.FRAMES))
                .position();
        String epoch = start.epoch();
        for (int i = 1; i <= 5; i++) {
            a.publish("room-1", "m" + i);
        }
        SyncPosition last = null;
        for (int i = 1; i <= 5; i++) {
            HistoryRecoveryTest.Frame frame = next(first);
            assertEquals(new HistoryRecoveryTest.Frame(new SyncPosition(epoch, start.offset() + i), false, "m" + i),
                    frame);
            last = frame.position();
        }
        first.client().close();

        postgres.kill();
        postgres.start();
        HistoryRecoveryTest.Client watcher = connect();
        SyncPosition afterRestart = last;
        Await.until(WAIT, "the history to be readable again", () -> {
            try {
                return await(b.history().subscribe(watcher.session(), "room-1", afterRestart,
                        HistoryRecoveryTest.FRAMES)).complete();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        HistoryRecoveryTest.Client onA = connect();
        await(a.history().subscribe(onA.session(), "room-1", null, HistoryRecoveryTest.FRAMES));
        for (int i = 6; i <= 8; i++) {
            a.publish("room-1", "m" + i);
        }
        for (int i = 6; i <= 8; i++) { // delivered locally once stored: the resume below must replay them
            HistoryRecoveryTest.Frame stored = next(onA);
            assertEquals("m" + i, stored.payload());
            assertTrue(stored.position() != null, "published with a position after the restart: " + stored);
        }
        HistoryRecoveryTest.Client second = connect();
        SyncRecovery resumed = await(b.history().subscribe(second.session(), "room-1", last,
                HistoryRecoveryTest.FRAMES));
        assertTrue(resumed.complete(), "resume after the restart: " + resumed);
        assertEquals(epoch, resumed.position().epoch(), "the history survived the restart: same epoch");
        long top = resumed.position().offset();
        assertEquals(top - last.offset(), resumed.replayed());
        long expected = last.offset() + 1;
        for (int i = 6; i <= 8; i++, expected++) {
            HistoryRecoveryTest.Frame frame = next(second);
            assertEquals(new SyncPosition(epoch, expected), frame.position());
            assertEquals("m" + i, frame.payload());
            assertEquals(expected <= top, frame.recovered());
        }

        HistoryRecoveryTest.Client fromStart = connect();
        SyncRecovery all = await(b.history().subscribe(fromStart.session(), "room-1", start,
                HistoryRecoveryTest.FRAMES));
        assertTrue(all.complete(), "every message since the start is still kept: " + all);
        for (int i = 1; i <= 8; i++) {
            assertEquals("m" + i, next(fromStart).payload(), "kept across the restart, in order");
        }
        try {
            awaitLive(a, second);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; hub a " + a.counters() + ", hub b " + b.counters()
                    + ", resyncs " + resyncs, e);
        }
    }

    /** Publishes on {@code a} until {@code client} gets it live (relay between the hubs works again). */
    private static void awaitLive(SyncHub a, HistoryRecoveryTest.Client client) {
        Await.until(WAIT, "relay between the hubs again", () -> {
            a.publish("room-1", "live");
            try {
                return "live".equals(HistoryRecoveryTest.Frame.parse(client.client().nextText(Duration.ofSeconds(2)))
                        .payload());
            } catch (AssertionError notYet) {
                return false;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void twoHubsPublishingOneTopicAtOnceGiveEveryClientOneGaplessSequence() throws Exception {
        String channel = "hc-" + UUID.randomUUID().toString().substring(0, 8);
        List<SyncResync> resyncs = Collections.synchronizedList(new ArrayList<>());
        SyncHub a = hub(POSTGRES.dataSource(), channel, resyncs);
        SyncHub b = hub(POSTGRES.dataSource(), channel, resyncs);
        SyncHub c = hub(POSTGRES.dataSource(), channel, resyncs);
        List<HistoryRecoveryTest.Client> clients = new ArrayList<>();
        long base = -1;
        for (SyncHub hub : List.of(a, b, c)) {
            HistoryRecoveryTest.Client client = connect();
            SyncRecovery r = await(hub.history().subscribe(client.session(), "room-c", null,
                    HistoryRecoveryTest.FRAMES));
            assertTrue(base < 0 || base == r.position().offset());
            base = r.position().offset();
            clients.add(client);
        }
        int each = 300;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> publishers = new ArrayList<>();
        for (SyncHub hub : List.of(a, b)) {
            String name = hub == a ? "A" : "B";
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    hub.publish("room-c", name + "-" + i);
                }
            }, "publisher-" + name);
            t.start();
            publishers.add(t);
        }
        go.countDown();
        for (Thread t : publishers) {
            t.join(WAIT.toMillis());
        }
        List<String> first = null;
        for (HistoryRecoveryTest.Client client : clients) {
            List<String> seen = new ArrayList<>();
            int nextA = 0;
            int nextB = 0;
            for (int k = 1; k <= 2 * each; k++) {
                HistoryRecoveryTest.Frame frame = next(client);
                assertEquals(base + k, frame.position().offset(), "one gapless numbering, in order");
                String[] parts = frame.payload().split("-");
                int n = Integer.parseInt(parts[1]);
                if (parts[0].equals("A")) {
                    assertEquals(nextA++, n, "publisher A's messages in its order");
                } else {
                    assertEquals(nextB++, n, "publisher B's messages in its order");
                }
                seen.add(frame.payload());
            }
            if (first == null) {
                first = seen;
            } else {
                assertEquals(first, seen, "every client sees the same message at each offset");
            }
        }
        assertEquals(List.of(), resyncs.stream().filter(r -> r.reason() == SyncResync.Reason.HISTORY).toList());
    }
}
