package org.synchub.driver.redis;

import org.synchub.SyncFailure;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;
import org.synchub.testing.Relays;
import org.synchub.testing.SteadyPublisher;
import org.synchub.testing.TyrusHubNode;

import java.time.Duration;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;

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

    private final Cleanup cleanup = new Cleanup();
    private boolean fromOutageEnd;
    final List<SyncFailure> failuresA = new CopyOnWriteArrayList<>();
    final List<SyncFailure> failuresB = new CopyOnWriteArrayList<>();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private NavigableSet<Integer> localA;
    private NavigableSet<Integer> remoteB;
    private SteadyPublisher publisher;

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
        start(a, b);
        long resumedMs;
        try {
            int killedAt = published();
            long killed = System.nanoTime();
            outage.cause();
            if (fromOutageEnd) {
                killedAt = published();
                killed = System.nanoTime();
            }
            resumedMs = awaitResumed(killedAt, killed, Duration.ofMillis(resumeBy.toMillis() + 5_000));
            int resumedAt = published();
            Await.until(TIMEOUT, "the stream to go on reaching B", () -> remoteB.last() > resumedAt + 100);
        } finally {
            stopPublishing();
        }
        checkEveryMessageDeliveredOnA();
        assertTrue(resumedMs <= resumeBy.toMillis(), "delivery resumed only after " + resumedMs + " ms");
        return resumedMs;
    }

    /**
     * Starts both hubs and their clients, waits for a first relay from A to B, then starts the stream and waits until
     * 50 of its messages reached B.
     *
     * @param a hub A's adapter
     * @param b hub B's adapter
     */
    void start(SyncAdapter a, SyncAdapter b) throws Exception {
        TyrusHubNode nodeA = cleanup.add(TyrusHubNode.start(cleanup.add(SyncHubBuilder.create().adapter(a)
                .onFailure(failuresA::add).build())));
        TyrusHubNode nodeB = cleanup.add(TyrusHubNode.start(cleanup.add(SyncHubBuilder.create().adapter(b)
                .onFailure(failuresB::add).build())));
        localA = collect(cleanup.add(TckClient.connect(nodeA.uri("/room", "t"))));
        remoteB = collect(cleanup.add(TckClient.connect(nodeB.uri("/room", "t"))));
        Await.until(TIMEOUT, "both sessions subscribed",
                () -> nodeA.hub().counters().sessions() == 1 && nodeB.hub().counters().sessions() == 1);
        Relays.await(nodeA.hub(), nodeB.hub(), "t", TIMEOUT); // the stream's topic: hub B's only interest
        publisher = cleanup.add(SteadyPublisher.start(text -> nodeA.hub().publish("t", text)));
        Await.until(TIMEOUT, "the stream to reach hub B", () -> remoteB.size() >= 50);
    }

    /** How many messages hub A has published so far. */
    int published() {
        return publisher.published();
    }

    /**
     * Waits until a message published after the {@code after}-th reached B.
     *
     * @param after     a {@link #published()} count taken before the outage (or the recovery)
     * @param sinceNanos when the outage (or the recovery) began, {@link System#nanoTime()}
     * @param timeout   how long to wait
     * @return milliseconds from {@code sinceNanos} until then
     */
    long awaitResumed(int after, long sinceNanos, Duration timeout) {
        try {
            Await.until(timeout, "delivery to B to resume", () -> !remoteB.isEmpty() && remoteB.last() > after);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; failures on A: " + failuresA + "; on B: " + failuresB, e);
        }
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    /** Stops the stream. */
    void stopPublishing() throws InterruptedException {
        publisher.close();
    }

    /**
     * After {@link #stopPublishing()}: checks that every message reached hub A's own client, that no publish threw
     * and that hub A reported no delivery failure.
     */
    void checkEveryMessageDeliveredOnA() {
        int total = published();
        Await.until(TIMEOUT, "every message (" + total + ") delivered locally on hub A", () -> localA.size() == total);
        assertEquals(total - 1, localA.last());
        assertNull(publisher.thrown(), "publish threw: " + publisher.thrown());
        assertEquals(0, failuresA.stream().filter(f -> f.stage() == SyncStage.DELIVERY).count(),
                failuresA.toString());
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
        cleanup.close();
    }
}
