package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncHub;
import org.synchub.SyncResync;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history promise as a property, over real sessions: several publishers on three hubs of one in-JVM channel,
 * clients that read a random number of messages, drop their connection and resume on a random hub from their last
 * position (sometimes from an older one). Every resume must give exactly the topic's messages after the position,
 * in offset order, recovered ones first, then live ones, with no duplicate and no gap, the same payload at each
 * offset for every client; or a refusal (too many, too old) carrying the top, after which the live messages continue
 * from there. No loss may be signalled (the in-JVM store can always fill).
 */
class HistoryResumeStressTest {

    private static final Duration READ = Duration.ofMillis(400);
    private static final int TOPICS = 3;
    private static final int CLIENTS = 6;
    private static final int ROUNDS = 12;
    private static final int PUBLISHERS = 4;

    @RegisterExtension
    final SessionServer server = new SessionServer(session -> { }, Cleanup.bestEffort());

    private final Map<String, String> truth = new ConcurrentHashMap<>();
    private final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger complete = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger replayed = new AtomicInteger();

    /**
     * The backplane of the three hubs (subclasses run the same property over another one).
     *
     * @param channel a fresh channel
     * @return its adapter
     * @throws Exception when the backplane cannot be set up
     */
    SyncAdapter adapter(String channel) throws Exception {
        return JvmAdapter.channel(channel);
    }

    @Test
    void everyResumeGivesExactlyTheTopicsSequenceOrARefusal() throws Exception {
        String channel = "hs-" + UUID.randomUUID();
        List<SyncResync> resyncs = Collections.synchronizedList(new ArrayList<>());
        List<SyncHub> hubs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hubs.add(server.keep(SyncHubBuilder.create().historyTopics("room-*").historySize(500)
                    .historyMaxRecover(150).onResync(resyncs::add).adapter(adapter(channel)).build()));
        }
        for (SyncHub hub : hubs) { // every hub listening before anyone publishes: no message sent into the void
            Await.until(Duration.ofSeconds(30), hub + " ready: " + hub.health(), () -> hub.health().ready());
        }
        AtomicBoolean publishing = new AtomicBoolean(true);
        List<Thread> publishers = new ArrayList<>();
        AtomicInteger published = new AtomicInteger();
        for (int p = 0; p < PUBLISHERS; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                Random random = new Random(id);
                for (int n = 0; publishing.get(); n++) {
                    hubs.get(random.nextInt(hubs.size())).publish("room-" + random.nextInt(TOPICS), "p" + id + "-" + n);
                    published.incrementAndGet();
                    LockSupport.parkNanos(4_000_000);
                }
            }, "publisher-" + p);
            t.start();
            publishers.add(t);
        }
        Object connecting = new Object();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                try {
                    client(id, hubs, connecting);
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "client-" + c);
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join(TimeUnit.MINUTES.toMillis(3));
        }
        publishing.set(false);
        for (Thread t : publishers) {
            t.join(10_000);
        }
        assertEquals(List.of(), errors, "property violated");
        assertTrue(complete.get() >= CLIENTS * ROUNDS / 4, "complete resumes: " + complete + ", refused: " + refused);
        assertTrue(replayed.get() > 0, "some messages were replayed");
        assertEquals(List.of(), resyncs.stream().filter(r -> r.reason() == SyncResync.Reason.HISTORY).toList());
        System.out.println("history stress: published " + published + ", resumes complete " + complete + ", refused "
                + refused + ", replayed " + replayed);
    }

    /** One client's rounds: connect, resume, read some, drop. */
    private void client(int id, List<SyncHub> hubs, Object connecting) throws Exception {
        Random random = new Random(1000 + id);
        String topic = "room-" + (id % TOPICS);
        SyncPosition last = null;
        for (int round = 0; round < ROUNDS; round++) {
            SyncPosition since = last;
            if (since != null && random.nextInt(5) == 0) {
                since = new SyncPosition(since.epoch(), random.nextInt((int) since.offset() + 1)); // an older one
            }
            TckClient client;
            Session session;
            synchronized (connecting) {
                client = server.connect("/chat");
                session = server.nextSession();
            }
            SyncHub hub = hubs.get(random.nextInt(hubs.size()));
            SyncRecovery r = hub.history().subscribe(session, topic, since, HistoryRecoveryTest.FRAMES)
                    .toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertNotNull(r.position(), "client " + id + ": " + r);
            long expected;
            if (r.complete()) {
                complete.incrementAndGet();
                replayed.addAndGet(r.replayed());
                expected = (since == null ? r.position().offset() : since.offset()) + 1;
                if (since != null) {
                    assertEquals(r.position().offset() - since.offset(), r.replayed(), "client " + id
                            + ": every message after the position is replayed (one namespace)");
                }
            } else {
                assertTrue(r.reason() == SyncRecovery.Reason.TOO_MANY || r.reason() == SyncRecovery.Reason.TOO_OLD,
                        "client " + id + ": " + r);
                refused.incrementAndGet();
                expected = r.position().offset() + 1;
            }
            int toRead = random.nextInt(80);
            for (int read = 0; read < toRead; read++) {
                String text;
                try {
                    text = client.nextText(READ);
                } catch (AssertionError quiet) {
                    break;
                }
                HistoryRecoveryTest.Frame frame = HistoryRecoveryTest.Frame.parse(text);
                assertNotNull(frame.position(), "client " + id + ": a message without position: " + text);
                assertEquals(r.position().epoch(), frame.position().epoch());
                assertEquals(expected, frame.position().offset(), "client " + id + " round " + round + " (" + r
                        + ", since " + since + "): order, no gap, no duplicate");
                assertEquals(r.complete() && expected <= r.position().offset(), frame.recovered(),
                        "client " + id + ": recovered flag of offset " + expected);
                String seen = truth.putIfAbsent(topic + "@" + frame.position(), frame.payload());
                if (seen != null) {
                    assertEquals(seen, frame.payload(), "one payload per position");
                }
                expected++;
                last = frame.position();
            }
            if (last == null || last.offset() < expected - 1) {
                last = new SyncPosition(r.position().epoch(), expected - 1); // nothing read: keep what was given
            }
            client.close();
        }
    }
}
