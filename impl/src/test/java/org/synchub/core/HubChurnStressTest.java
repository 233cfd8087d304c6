package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.TckClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Defect 9 of issue 21: at most once per session under churn. Real Tyrus sessions with JDK clients in many
 * namespaces; publisher threads publish numbered messages (from server code, to all namespaces, and from sessions)
 * while churn threads subscribe, unsubscribe and unsubscribe-all the same topics on the same sessions. Afterwards
 * every client's record is checked: no message twice, and each publisher's messages in the order published.
 */
class HubChurnStressTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long STORM_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("synchub.test.churn-seconds", 20));
    private static final int SESSIONS = 50;
    private static final int NAMESPACES = 25;
    private static final String[] TOPICS = {"a", "b"};

    @RegisterExtension
    final SessionServer server = new SessionServer();
    private final List<SyncFailure> failures = new CopyOnWriteArrayList<>();

    @Test
    void noSessionGetsAMessageTwiceUnderSubscriptionChurn() throws Exception {
        SyncHub hub = SyncHubBuilder.create().adapter(JvmAdapter.channel("churn-" + System.nanoTime()))
                .onFailure(failures::add)
                .configure(key -> Optional.ofNullable(Map.of(SyncHubBuilder.QUEUE_MAX_BYTES, "268435456",
                        SyncHubBuilder.QUEUE_OVERFLOW, "drop").get(key))).build();
        server.keep(hub);
        List<TckClient> clients = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            clients.add(server.connect("/ns" + (i % NAMESPACES)));
            Session session = server.nextSession();
            sessions.add(session);
            for (String topic : TOPICS) {
                hub.subscribe(session, topic);
            }
        }
        AtomicBoolean storming = new AtomicBoolean(true);
        AtomicLong churned = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        for (int p = 0; p < 3; p++) {
            int publisher = p;
            threads.add(new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long n = 0; storming.get(); n++) {
                    String topic = TOPICS[random.nextInt(TOPICS.length)];
                    String text = "p" + publisher + ":" + n;
                    if (publisher == 0) {
                        hub.publish(topic, text);
                    } else {
                        hub.publish(sessions.get(random.nextInt(SESSIONS)), topic, text);
                    }
                    if (n % 64 == 63) {
                        Thread.yield(); // let the clients keep up a little on two cores
                    }
                }
            }, "churn-publisher-" + p));
        }
        for (int c = 0; c < 5; c++) {
            threads.add(new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (storming.get()) {
                    Session session = sessions.get(random.nextInt(SESSIONS));
                    String topic = TOPICS[random.nextInt(TOPICS.length)];
                    switch (random.nextInt(4)) {
                        case 0 -> hub.unsubscribe(session, topic);
                        case 1 -> hub.unsubscribeAll(session);
                        default -> hub.subscribe(session, topic);
                    }
                    churned.incrementAndGet();
                }
            }, "churn-" + c));
        }
        threads.forEach(t -> t.setUncaughtExceptionHandler((thread, e) -> thrown.add(e)));
        threads.forEach(Thread::start);
        long end = System.nanoTime() + STORM_NANOS;
        while (System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(100); // the storm's length, not a wait for a condition
        }
        storming.set(false);
        for (Thread t : threads) {
            t.join(TIMEOUT.toMillis());
        }
        assertEquals(List.of(), thrown);
        // the direct send is queued behind everything the hub queued for the session: once it arrives, all did
        for (Session session : sessions) {
            hub.send(session, "end");
        }
        long total = 0;
        List<String> duplicates = new ArrayList<>();
        List<String> reordered = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            Map<String, Long> last = new HashMap<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String text; !(text = clients.get(i).nextText(TIMEOUT)).equals("end"); total++) {
                if (!seen.add(text)) {
                    duplicates.add("session " + i + ": " + text);
                }
                String publisher = text.substring(0, text.indexOf(':'));
                long n = Long.parseLong(text.substring(text.indexOf(':') + 1));
                Long previous = last.put(publisher, n);
                if (previous != null && previous >= n) {
                    reordered.add("session " + i + ": " + publisher + " " + previous + " then " + n);
                }
            }
        }
        assertTrue(total > 10_000, "the storm delivered " + total + " messages");
        assertTrue(churned.get() > 10_000, "the storm churned " + churned.get() + " times");
        assertEquals(0, duplicates.size(), duplicates.size() + " messages a session got twice (of " + total + "), e.g. "
                + duplicates.subList(0, Math.min(10, duplicates.size())));
        assertEquals(0, reordered.size(), "messages out of publishing order, e.g. "
                + reordered.subList(0, Math.min(10, reordered.size())));
        assertEquals(0, hub.counters().dropped(), "nothing dropped, so the record is complete");
        assertTrue(failures.isEmpty(), failures::toString);
    }
}
