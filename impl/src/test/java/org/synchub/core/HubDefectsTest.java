package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncStage;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ThreadFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Defects of issue 21 in the hub's delivery and shutdown, over real Tyrus sessions and JDK clients: a fan-out worker
 * that cannot start (1), the threads that close slow sessions (3), the time {@code close()} takes with unresponsive
 * clients (4), and {@code publishOnCommit} from a closed sender (7).
 */
class HubDefectsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** 64 KiB of text: a few of these fill a client's socket buffers. */
    private static final String BIG = "x".repeat(64 * 1024);

    /** Closes what a test kept best effort: these tests leave hubs in odd states (a refusing thread factory). */
    @RegisterExtension
    final SessionServer server = new SessionServer(session -> applicationClose(), Cleanup.bestEffort());
    private final List<SyncFailure> failures = new CopyOnWriteArrayList<>();

    /** How long the application's onClose takes. */
    private volatile long closeMillis;
    /** When set, the application's onClose waits for it. */
    private volatile java.util.concurrent.CountDownLatch closeLatch;

    /** The application's own close handling of a session: stuck until {@link #closeLatch} opens, then slow. */
    private void applicationClose() {
        java.util.concurrent.CountDownLatch latch = closeLatch;
        if (latch != null) {
            try {
                latch.await(60, TimeUnit.SECONDS); // the application's close handling, stuck until released
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long millis = closeMillis;
        if (millis > 0) {
            // the application's own slow close handling (a database write, say)
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
        }
    }

    /** Counts the threads it makes, and refuses to make any once {@link #refuse} is set. */
    private static final class CountingFactory implements ThreadFactory {
        final AtomicInteger made = new AtomicInteger();
        final AtomicBoolean refuse = new AtomicBoolean();

        @Override
        public Thread newThread(Runnable task) {
            if (refuse.get()) {
                throw new IllegalStateException("simulated: the container refuses new threads");
            }
            made.incrementAndGet();
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
        }
    }

    private SyncHub hub(ThreadFactory factory, Map<String, String> keys) {
        SyncHub hub = SyncHubBuilder.create().adapter(JvmAdapter.channel("defects-" + System.nanoTime()))
                .threadFactory(factory).onFailure(failures::add)
                .configure(key -> Optional.ofNullable(keys.get(key))).build();
        server.keep(hub);
        return hub;
    }

    private TckClient client(boolean paused) throws Exception {
        return paused ? server.connectPaused("/room") : server.connect("/room");
    }

    private Session session() throws InterruptedException {
        return server.nextSession();
    }

    /** Defect 1: partitions whose worker cannot start are sent inline, and the refusal is reported. */
    @Test
    void aFanOutWorkerThatCannotStartStrandsNoSession() throws Exception {
        CountingFactory factory = new CountingFactory();
        SyncHub hub = hub(factory, Map.of(SyncHubBuilder.FANOUT_THREADS, "4", SyncHubBuilder.FANOUT_INLINE_BELOW,
                "2"));
        List<TckClient> clients = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            clients.add(client(false));
            hub.subscribe(session(), "t");
        }
        factory.refuse.set(true);
        for (int i = 0; i < 5; i++) {
            hub.publish("t", "m" + i);
        }
        int complete = 0;
        for (TckClient client : clients) {
            for (int i = 0; i < 5; i++) {
                assertEquals("m" + i, client.nextText(TIMEOUT), "session #" + complete + " of 200 got all so far");
            }
            complete++;
        }
        assertTrue(failures.stream().anyMatch(f -> f.stage() == SyncStage.DELIVERY
                        && f.cause().getMessage() != null && f.cause().getMessage().contains("refuses")),
                "the refusal is reported: " + failures);
    }

    /** Fills the send queues of every session (their clients do not read) until {@code done} holds. */
    private static void publishUntil(SyncHub hub, String what, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + TIMEOUT + ": " + what + "; " + hub.counters());
            }
            hub.publish("t", BIG);
        }
    }

    /** Defect 3: slow sessions are closed by a bounded number of threads, and every one of them ends closed. */
    @Test
    void slowSessionsAreClosedByABoundedNumberOfThreads() throws Exception {
        CountingFactory factory = new CountingFactory();
        SyncHub hub = hub(factory, Map.of(SyncHubBuilder.QUEUE_MAX_BYTES, "65536",
                SyncHubBuilder.FANOUT_THREADS, "1"));
        int slow = 100;
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < slow; i++) {
            client(true);
            Session s = session();
            hub.subscribe(s, "t");
            sessions.add(s);
        }
        int threadsBefore = factory.made.get();
        publishUntil(hub, "every slow session overflowed", () -> hub.counters().sessions() == 0);
        Await.until(TIMEOUT, "every slow session closed",
                () -> sessions.stream().noneMatch(Session::isOpen));
        int closers = factory.made.get() - threadsBefore;
        System.out.println("[defect 3] " + closers + " threads closed " + slow + " slow sessions");
        assertTrue(closers <= 4, closers + " threads were made to close " + slow + " slow sessions");
        assertEquals(slow, failures.stream().filter(f -> f.stage() == SyncStage.DELIVERY
                && f.cause() instanceof org.synchub.SyncOverflowException).count(), failures::toString);
    }

    /**
     * Defect 4: close() returns within a bounded time although closing each session blocks: here the application's
     * own {@code onClose} takes half a second per session (Tyrus runs it inside {@code session.close()}), and the
     * clients read nothing.
     */
    @Test
    void closeReturnsInBoundedTimeWhenClosingEachSessionBlocks() throws Exception {
        SyncHub hub = hub(new CountingFactory(), Map.of(SyncHubBuilder.FANOUT_THREADS, "1"));
        closeMillis = 500;
        int stuck = 40;
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < stuck; i++) {
            client(true);
            Session s = session();
            hub.subscribe(s, "t");
            sessions.add(s);
        }
        long start = System.nanoTime();
        hub.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("[defect 4] close() took " + millis + " ms for " + stuck + " sessions");
        assertTrue(millis < 10_000, "close() took " + millis + " ms for " + stuck + " sessions");
        Await.until(TIMEOUT, "every session closed in the end", () -> sessions.stream().noneMatch(Session::isOpen));
    }

    /** Defect 3: a close that blocks past the close timeout is reported, naming the session. */
    @Test
    void aCloseThatBlocksPastTheTimeoutIsReported() throws Exception {
        SyncHubBuilder builder = SyncHubBuilder.create().adapter(JvmAdapter.channel("defects-" + System.nanoTime()))
                .onFailure(failures::add).maxQueuedBytes(65536);
        builder.closeTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(200);
        SyncHub hub = builder.build();
        server.keep(hub);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        closeLatch = release;
        client(true);
        Session slow = session();
        hub.subscribe(slow, "t");
        try {
            publishUntil(hub, "the slow session overflowed", () -> hub.counters().sessions() == 0);
            Await.until(TIMEOUT, "the blocked close reported", () -> failures.stream().anyMatch(f ->
                    f.stage() == SyncStage.DELIVERY && f.cause().getMessage().contains("closing session "
                            + slow.getId() + " has blocked")));
        } finally {
            release.countDown();
        }
        Await.until(TIMEOUT, "the session closed once its onClose returned", () -> !slow.isOpen());
    }

    /** Defect 7: publishOnCommit from a sender whose session closed sends nothing. */
    @Test
    void publishOnCommitFromAClosedSenderSendsNothing() throws Exception {
        SyncHub hub = hub(new CountingFactory(), Map.of());
        TckClient receiver = client(false);
        hub.subscribe(session(), "t");
        TckClient senderClient = client(false);
        Session sender = session();
        hub.subscribe(sender, "t");
        senderClient.close();
        Await.until(TIMEOUT, "the sender's session closed on the server", () -> !sender.isOpen());
        hub.publishOnCommit(sender, "t", "from a closed sender");
        hub.publish("t", "marker");
        assertEquals("marker", receiver.nextText(TIMEOUT), "nothing is sent for a closed sender");
    }
}
