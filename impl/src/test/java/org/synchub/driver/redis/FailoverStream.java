package org.synchub.driver.redis;

import org.synchub.SyncFailure;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusHubNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream of messages between two real hubs (Tyrus servers, a WebSocket client on each) while a test takes the
 * Redis server that carries the channel away: server code on hub A publishes "m0", "m1"... every 2 ms; the client
 * on hub B collects them. {@link #run} kills, then measures how long until messages published after the kill reach
 * B again.
 */
final class FailoverStream implements AutoCloseable {

    /** What the test does to Redis. */
    @FunctionalInterface
    interface Outage {
        void cause() throws Exception;
    }

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private boolean fromOutageEnd;
    final List<SyncFailure> failuresA = new CopyOnWriteArrayList<>();
    final List<SyncFailure> failuresB = new CopyOnWriteArrayList<>();

    /**
     * Measures from the end of {@link Outage#cause()} (messages published after it returned), not from its start:
     * for an outage that takes time (a slot migration), so that messages relayed before it took effect do not count
     * as a resumption.
     *
     * @return this stream
     */
    FailoverStream fromOutageEnd() {
        fromOutageEnd = true;
        return this;
    }

    /**
     * Runs the scenario.
     *
     * @param a       hub A's adapter
     * @param b       hub B's adapter
     * @param outage  kills the server
     * @param resumeBy the longest acceptable time from the kill to the first message published after it reaching B
     * @return the measured time to resume, in milliseconds
     */
    long run(SyncAdapter a, SyncAdapter b, Outage outage, Duration resumeBy) throws Exception {
        Duration timeout = Duration.ofSeconds(20);
        TyrusHubNode nodeA = closeLater(TyrusHubNode.start(closeLater(SyncHubBuilder.create().adapter(a)
                .onFailure(failuresA::add).build())));
        TyrusHubNode nodeB = closeLater(TyrusHubNode.start(closeLater(SyncHubBuilder.create().adapter(b)
                .onFailure(failuresB::add).build())));
        NavigableSet<Integer> localA = collect(closeLater(TckClient.connect(nodeA.uri("/room", "t"))));
        NavigableSet<Integer> remoteB = collect(closeLater(TckClient.connect(nodeB.uri("/room", "t"))));
        Await.until(timeout, "both sessions subscribed",
                () -> nodeA.hub().counters().sessions() == 1 && nodeB.hub().counters().sessions() == 1);
        long before = nodeB.hub().counters().received();
        Await.until(timeout, "a first relay from A to B", () -> {
            nodeA.hub().publish("t", "p"); // on the stream's topic, which hub B has interest in
            return nodeB.hub().counters().received() > before;
        });
        AtomicInteger published = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    nodeA.hub().publish("t", "m" + published.get());
                    published.incrementAndGet();
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t) {
                    thrown.compareAndSet(null, t);
                }
            }
        }, "test-publisher");
        publisher.start();
        long resumedMs;
        try {
            Await.until(timeout, "the stream to reach hub B", () -> remoteB.size() >= 50);
            int killedAt = published.get();
            long killed = System.nanoTime();
            outage.cause();
            if (fromOutageEnd) {
                killedAt = published.get();
                killed = System.nanoTime();
            }
            int after = killedAt;
            try {
                Await.until(Duration.ofMillis(resumeBy.toMillis() + 5_000),
                        "delivery to B to resume after the outage", () -> !remoteB.isEmpty() && remoteB.last() > after);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; failures on A: " + failuresA + "; on B: " + failuresB, e);
            }
            resumedMs = (System.nanoTime() - killed) / 1_000_000;
            int resumedAt = published.get();
            Await.until(timeout, "the stream to go on reaching B", () -> remoteB.last() > resumedAt + 100);
        } finally {
            publisher.interrupt();
            publisher.join(5_000);
        }
        int total = published.get();
        Await.until(timeout, "every message (" + total + ") delivered locally on hub A", () -> localA.size() == total);
        assertNull(thrown.get(), "publish threw: " + thrown.get());
        assertTrue(resumedMs <= resumeBy.toMillis(), "delivery resumed only after " + resumedMs + " ms");
        assertEquals(0, failuresA.stream().filter(f -> f.stage() == SyncStage.DELIVERY).count(),
                failuresA.toString());
        return resumedMs;
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        cleanup.add(resource);
        return resource;
    }

    private NavigableSet<Integer> collect(TckClient client) {
        NavigableSet<Integer> got = new ConcurrentSkipListSet<>();
        Thread reader = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Object m = client.next(Duration.ofMillis(200));
                    if (m instanceof String s && s.startsWith("m")) {
                        got.add(Integer.parseInt(s.substring(1)));
                    }
                } catch (AssertionError nothingYet) {
                    // poll again
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-reader");
        reader.setDaemon(true);
        reader.start();
        cleanup.add(reader::interrupt);
        return got;
    }

    @Override
    public void close() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }
}
