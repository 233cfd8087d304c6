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
 * messages are published all along, delivery between two instances resumes within {@value #RESUME_LIMIT_MS} ms of
 * the later of the two listeners' re-subscription (the pump's retry wait, up to 2 s, is ended by the reconnect).
 */
class RelayResumeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int RUNS = 3;
    /** Well under the pump's 2 s retry cap, which a resume without the wake-up would wait for at random. */
    static final long RESUME_LIMIT_MS = 500;

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
        measure("redis", RedisAdapter.url(redis.url(), channel), new Server() {
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
        measure("pgsql", PgsqlAdapter.dataSource(pg.dataSource(null), channel), new Server() {
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

    private void measure(String name, SyncAdapter adapter, Server server) throws Exception {
        RecordingContext contextA = new RecordingContext();
        RecordingContext contextB = new RecordingContext();
        List<Long> receivedAtB = new CopyOnWriteArrayList<>();
        Relay a = RecordingHub.relay(adapter, contextA, m -> { });
        cleanup.add(a::close);
        Relay b = RecordingHub.relay(adapter, contextB, m -> receivedAtB.add(System.nanoTime()));
        cleanup.add(b::close);

        SteadyPublisher publisher = cleanup.add(SteadyPublisher.start(
                text -> a.publish(SyncMessage.text("", "t", text))));
        Await.until(TIMEOUT, "relay from A to B", () -> !receivedAtB.isEmpty());

        for (int run = 1; run <= RUNS; run++) {
            int failuresBefore = contextA.failures(SyncStage.PUBLISH, RecordingContext.DRIVER).size();
            server.kill();
            // long enough an outage for the pump's retry wait to reach its 2 s cap (six failed batches)
            Await.until(TIMEOUT, "A's relay to fail six times while " + name + " is down",
                    () -> contextA.failures(SyncStage.PUBLISH, RecordingContext.DRIVER).size() >= failuresBefore + 6);
            long restarted = System.nanoTime();
            server.restart();
            long up = System.nanoTime();
            Await.until(TIMEOUT, "both listeners subscribed again",
                    () -> subscribedSince(contextA, restarted) > 0 && subscribedSince(contextB, restarted) > 0);
            long subscribed = Math.max(subscribedSince(contextA, restarted), subscribedSince(contextB, restarted));
            Await.until(TIMEOUT, "delivery from A to B to resume",
                    () -> receivedAtB.stream().anyMatch(t -> t > subscribed));
            long resumed = receivedAtB.stream().filter(t -> t > subscribed).findFirst().orElseThrow();
            long gapMs = (resumed - subscribed) / 1_000_000;
            String figure = String.format("%s run %d: server up after %d ms, listeners re-subscribed %d ms after "
                            + "that, relay resumed %d ms after the later re-subscription", name, run,
                    (up - restarted) / 1_000_000, (subscribed - up) / 1_000_000, gapMs);
            System.out.println(figure);
            assertTrue(gapMs < RESUME_LIMIT_MS, figure);
        }
        publisher.close();
        assertNull(publisher.thrown(), "publish threw: " + publisher.thrown());
    }

    /** The time of the first SUBSCRIBE recovery after {@code since}, or 0. */
    private static long subscribedSince(RecordingContext context, long since) {
        return context.recoveryLog().stream()
                .filter(r -> r.stage() == SyncStage.SUBSCRIBE && r.nanoTime() > since)
                .mapToLong(RecordingContext.Recovery::nanoTime).findFirst().orElse(0);
    }
}
