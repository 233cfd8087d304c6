package org.synchub.driver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.driver.pgsql.PgsqlAdapter;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.spi.SyncAdapter;
import org.synchub.internal.Relay;
import org.synchub.testing.RecordingHub;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.PostgresServer;
import org.synchub.testing.RedisServer;
import org.synchub.testing.SteadyPublisher;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Relay resumes with the subscription: after the backplane is killed (SIGKILL) and restarted on the same port, while
 * messages are published all along, the re-subscription ends the publishing pump's retry wait instead of leaving it
 * to run out. Proven by order, not by a time limit: once six batches failed in a row, the pump waits at least
 * {@value #SHORTEST_CAPPED_WAIT_MS} ms after each failure by itself, so a batch it sends sooner after the last failed
 * one (its PUBLISH recovery, recorded by the hub's side) was sent by a pump that something woke. The proof looks at
 * A's pump and A's listener only, the one that wakes it; B's listener, which may come back later, decides only when
 * B receives again. A run in which the listeners came back
 * too late for that (the pump's own wait had run out) proves nothing and another run is made, up to
 * {@value #MAX_RUNS}. Both drivers wake their pump the same way ({@code Relay}: the reconnect loop's
 * {@code onConnected(pump::wake)}); the proof is required on Redis, whose listener comes back fast enough to land in
 * the pump's wait. PostgreSQL's listener usually comes back after the pump has already published again, which proves
 * nothing either way: there the test requires that relay resumes after each restart and prints the figures.
 */
class RelayResumeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_RUNS = 10;
    /** The shortest retry wait the pump chooses by itself at its capped backoff (half of 1 s, jitter included). */
    static final long SHORTEST_CAPPED_WAIT_MS = 500;

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();

    /** A backplane a test can kill and restart. */
    private interface Server {
        void kill() throws Exception;

        void restart() throws Exception;
    }

    @Test
    void redisRelayResumesWithTheSubscription() throws Exception {
        RedisServer redis = RedisServer.start();
        cleanup.add(redis);
        String channel = "resume-" + UUID.randomUUID().toString().substring(0, 8);
        measure("redis", RedisAdapter.url(redis.url(), channel), true, new Server() {
            @Override
            public void kill() throws Exception {
                redis.kill();
            }

            @Override
            public void restart() throws Exception {
                redis.restart();
            }
        });
    }

    @Test
    void pgsqlRelayResumesWithTheSubscription() throws Exception {
        PostgresServer pg = PostgresServer.launch();
        cleanup.add(pg);
        String channel = "resume_" + UUID.randomUUID().toString().substring(0, 8);
        measure("pgsql", PgsqlAdapter.dataSource(pg.dataSource(null), channel), false, new Server() {
            @Override
            public void kill() throws Exception {
                pg.kill();
            }

            @Override
            public void restart() throws Exception {
                pg.start();
            }
        });
    }

    private void measure(String name, SyncAdapter adapter, boolean proofRequired, Server server) throws Exception {
        List<Long> publishFailures = new CopyOnWriteArrayList<>();
        RecordingContext contextA = new RecordingContext() {
            @Override
            public void failure(SyncStage stage, String source, Throwable cause) {
                if (stage == SyncStage.PUBLISH && RecordingContext.DRIVER.equals(source)) {
                    publishFailures.add(System.nanoTime());
                }
                super.failure(stage, source, cause);
            }
        };
        RecordingContext contextB = new RecordingContext();
        List<Long> receivedAtB = new CopyOnWriteArrayList<>();
        Relay a = RecordingHub.relay(adapter, contextA, m -> { });
        cleanup.add(a::close);
        Relay b = RecordingHub.relay(adapter, contextB, m -> receivedAtB.add(System.nanoTime()));
        cleanup.add(b::close);

        SteadyPublisher publisher = cleanup.add(SteadyPublisher.start(
                text -> a.publish(SyncMessage.text("", "t", text))));
        Await.until(TIMEOUT, "relay from A to B", () -> !receivedAtB.isEmpty());

        List<String> figures = new java.util.ArrayList<>();
        boolean proven = false;
        int runs = proofRequired ? MAX_RUNS : 3;
        for (int run = 1; run <= runs && !(proven && proofRequired); run++) {
            int failuresBefore = publishFailures.size();
            server.kill();
            // six failed batches in a row: the pump's retry wait is at its cap
            Await.until(TIMEOUT, "A's relay to fail six times while " + name + " is down",
                    () -> publishFailures.size() >= failuresBefore + 6);
            long restarted = System.nanoTime();
            server.restart();
            long up = System.nanoTime();
            Await.until(TIMEOUT, "both listeners subscribed again",
                    () -> subscribedSince(contextA, restarted) > 0 && subscribedSince(contextB, restarted) > 0);
            long subscribedA = subscribedSince(contextA, restarted); // A's driver wakes A's pump here
            long subscribed = Math.max(subscribedA, subscribedSince(contextB, restarted));
            Await.until(TIMEOUT, "delivery from A to B to resume",
                    () -> receivedAtB.stream().anyMatch(t -> t > subscribed));
            long resumed = receivedAtB.stream().filter(t -> t > subscribed).findFirst().orElseThrow();
            // the pump's first batch sent after the restart, and the failed batch before it
            long sent = publishedSince(contextA, restarted);
            long lastFailure = publishFailures.stream().filter(t -> t < sent).reduce((x, y) -> y).orElseThrow();
            long afterFailureMs = (sent - lastFailure) / 1_000_000;
            boolean woken = afterFailureMs < SHORTEST_CAPPED_WAIT_MS;
            proven |= woken;
            String figure = String.format("%s run %d: server up after %d ms, A's listener re-subscribed %d ms after "
                            + "that (B's %d ms), A's pump sent its first batch %d ms after A's re-subscription and "
                            + "%d ms after its last failed batch (%s); B received again %d ms after the later "
                            + "re-subscription", name, run, (up - restarted) / 1_000_000,
                    (subscribedA - up) / 1_000_000, (subscribedSince(contextB, restarted) - up) / 1_000_000,
                    (sent - subscribedA) / 1_000_000, afterFailureMs,
                    woken ? "woken" : "inconclusive: the pump's own wait may have run out",
                    (resumed - subscribed) / 1_000_000);
            System.out.println(figure);
            figures.add(figure);
        }
        publisher.close();
        assertNull(publisher.thrown(), "publish threw: " + publisher.thrown());
        assertTrue(proven || !proofRequired, "the re-subscription never ended the pump's retry wait: " + figures);
    }

    /** The time of the pump's first batch sent after {@code since} (its PUBLISH recovery), or 0. */
    private static long publishedSince(RecordingContext context, long since) {
        return context.recoveryLog().stream()
                .filter(r -> r.stage() == SyncStage.PUBLISH && RecordingContext.DRIVER.equals(r.source())
                        && r.nanoTime() > since)
                .mapToLong(RecordingContext.Recovery::nanoTime).findFirst().orElse(0);
    }

    /** The time of the first SUBSCRIBE recovery after {@code since}, or 0. */
    private static long subscribedSince(RecordingContext context, long since) {
        return context.recoveryLog().stream()
                .filter(r -> r.stage() == SyncStage.SUBSCRIBE && r.nanoTime() > since)
                .mapToLong(RecordingContext.Recovery::nanoTime).findFirst().orElse(0);
    }
}
