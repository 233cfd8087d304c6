package org.synchub.operability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.SyncResync;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.driver.pgsql.PgsqlAdapter;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.testing.PostgresServer;
import org.synchub.testing.RedisServer;
import org.synchub.testing.SilentRelay;
import redis.clients.jedis.Jedis;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Health, self-probe, gap detection and resync signals of hubs on a real, private Redis that the tests kill,
 * restart, and silence through a TCP relay.
 */
class BackplaneHealthTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long PROBE_MS = 500;

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();
    private final List<SyncFailure> failures = new CopyOnWriteArrayList<>();
    private final List<SyncResync> resyncs = new CopyOnWriteArrayList<>();

    private SyncHub hub(String redisUrl, String channel) {
        return hub(redisUrl, channel, PROBE_MS);
    }

    /** A hub probing every {@code probeMs}: a probe that takes longer makes it subscribe again, losing messages. */
    private SyncHub hub(String redisUrl, String channel, long probeMs) {
        return cleanup.add(SyncHubBuilder.create().adapter(RedisAdapter.url(redisUrl, channel)).probeIntervalMillis(probeMs)
                .onFailure(failures::add).onResync(resyncs::add).build());
    }

    @Test
    void readinessFollowsARedisOutageAndComesBackWithRedis() throws Exception {
        RedisServer redis = cleanup.add(RedisServer.start());
        SyncHub hub = hub(redis.url(), "health-" + UUID.randomUUID());
        Await.until(TIMEOUT, "ready", () -> hub.health().ready());
        Await.until(TIMEOUT, "a probe round trip", () -> hub.counters().probes() > 0);
        assertTrue(hub.health().live());
        assertNotNull(hub.health().lastProbeRoundTrip());

        long killed = System.nanoTime();
        redis.kill();
        Await.until(TIMEOUT, "not ready after Redis died",
                () -> !hub.health().ready());
        long down = System.nanoTime();
        assertNotNull(hub.health().downSince());
        assertNotNull(hub.health().lastError());
        assertTrue(hub.health().live(), "an outage is not death: the hub recovers by itself");

        redis.restart();
        long back = System.nanoTime();
        Await.until(TIMEOUT, "ready again once Redis is back", () -> hub.health().ready());
        long up = System.nanoTime();
        System.out.printf("readiness: down %d ms after kill, up %d ms after restart%n",
                (down - killed) / 1_000_000, (up - back) / 1_000_000);
        Await.until(TIMEOUT, "an OUTAGE resync", () -> resyncs.stream()
                .anyMatch(r -> r.reason() == SyncResync.Reason.OUTAGE && r.stage() == SyncStage.SUBSCRIBE));
    }

    @Test
    void aSubscriptionThatIsConnectedButSilentIsFoundAndMadeAgain() throws Exception {
        RedisServer redis = cleanup.add(RedisServer.start());
        SilentRelay relay = cleanup.add(new SilentRelay(redis.port()));
        String channel = "silent-" + UUID.randomUUID();
        SyncHub hub = hub("redis://127.0.0.1:" + relay.port(), channel);
        Await.until(TIMEOUT, "ready and probing", () -> hub.health().ready() && hub.counters().probes() > 0);

        long frozen = System.nanoTime();
        relay.freeze(); // every connection stays open, nothing passes
        Await.until(TIMEOUT, "the silent subscription found", () -> !hub.health().ready());
        long found = System.nanoTime();
        // found by the self-probe, not by the connection's PING check (16 s of silence): the source says which
        Await.until(TIMEOUT, "the probe's SUBSCRIBE failure", () -> failures.stream()
                .anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE));
        assertTrue(failures.stream().filter(f -> f.stage() == SyncStage.SUBSCRIBE).findFirst().orElseThrow()
                .source().equals("probe"), "the first SUBSCRIBE failure comes from the self-probe: " + failures);
        assertTrue(hub.counters().probeFailures() > 0);

        Await.until(TIMEOUT, "ready again on a new subscription", () -> hub.health().ready());
        System.out.printf("silent subscription: found %d ms after the freeze, ready again %d ms after that%n",
                (found - frozen) / 1_000_000, (System.nanoTime() - found) / 1_000_000);
        Await.until(TIMEOUT, "a SILENT_SUBSCRIPTION resync",
                () -> resyncs.stream().anyMatch(r -> r.reason() == SyncResync.Reason.SILENT_SUBSCRIPTION));

        // the re-made subscription delivers: a message from another instance arrives
        SyncHub other = hub(redis.url(), channel);
        Await.until(TIMEOUT, "the other hub ready", () -> other.health().ready());
        long before = hub.counters().received();
        Await.until(TIMEOUT, "relayed delivery after the re-subscription", () -> {
            other.publish("t", "after");
            return hub.counters().received() > before;
        });
    }

    @Test
    void aPostgresListenerStoppedWithSigstopMakesTheHubNotReadyUntilItsListenerIsMadeAgain() throws Exception {
        PostgresServer postgres = cleanup.add(PostgresServer.launch());
        SyncHub hub = cleanup.add(SyncHubBuilder.create().adapter(PgsqlAdapter.url(postgres.jdbcUrl(),
                postgres.user(), null, "health_" + UUID.randomUUID().toString().substring(0, 8)))
                .probeIntervalMillis(PROBE_MS)
                .onFailure(failures::add).onResync(resyncs::add).build());
        Await.until(TIMEOUT, "ready and probing", () -> hub.health().ready() && hub.counters().probes() > 0);
        List<String> pids = new ArrayList<>();
        try (Connection c = postgres.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'synchub-listener'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                pids.add(rs.getString(1));
            }
        }
        assertEquals(1, pids.size());
        signal("STOP", pids.get(0));
        try {
            long stopped = System.nanoTime();
            Await.until(TIMEOUT, "not ready while the listener is silent", () -> !hub.health().ready());
            long found = System.nanoTime();
            Await.until(TIMEOUT, "ready again on a new listener", () -> hub.health().ready());
            System.out.printf("pgsql SIGSTOP listener: not ready after %d ms, ready again %d ms later%n",
                    (found - stopped) / 1_000_000, (System.nanoTime() - found) / 1_000_000);
        } finally {
            signal("CONT", pids.get(0));
        }
    }

    private static void signal(String signal, String pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start().waitFor());
    }

    @Test
    void probesReachNoOtherInstanceAsMessagesOrMalformedFrames() throws Exception {
        RedisServer redis = cleanup.add(RedisServer.start());
        String channel = "probes-" + UUID.randomUUID();
        SyncHub a = hub(redis.url(), channel);
        SyncHub b = hub(redis.url(), channel);
        Await.until(TIMEOUT, "both probing", () -> a.counters().probes() >= 3 && b.counters().probes() >= 3);
        assertEquals(0, a.counters().received() + b.counters().received(), "a probe is never a message");
        assertEquals(0, a.counters().malformed() + b.counters().malformed(), "a probe is never malformed");
    }

    @Test
    void skippedSequenceNumbersAreCountedAsLostAndSignalled() throws Exception {
        RedisServer redis = cleanup.add(RedisServer.start());
        String channel = "gaps-" + UUID.randomUUID();
        // counts every message: the default probe interval, so that a slow probe on a loaded machine does not make
        // the subscription again (and lose some of the raw frames) in the middle
        SyncHub hub = hub(redis.url(), channel, 5_000);
        Await.until(TIMEOUT, "ready", () -> hub.health().ready());
        String sender = UUID.randomUUID().toString();
        try (Jedis raw = new Jedis("127.0.0.1", redis.port())) {
            // 4, 7 and 8 never arrive; 5 arrives late (after 6): not lost
            for (long seq : new long[] {1, 2, 3, 6, 5, 9, 10}) {
                raw.publish(channel, EnvelopeCodec.encode(sender, SyncMessage.text("/x", "t", "m" + seq), seq));
            }
            // a restarted sender (a new id) starting again at 1 is not a gap
            String restarted = UUID.randomUUID().toString();
            for (long seq = 1; seq <= 3; seq++) {
                raw.publish(channel, EnvelopeCodec.encode(restarted, SyncMessage.text("/x", "t", "r"), seq));
            }
        }
        Await.until(TIMEOUT, "the gap confirmed", () -> hub.counters().gaps() == 3);
        Await.until(TIMEOUT, "a GAP resync naming the sender", () -> resyncs.stream()
                .filter(r -> r.reason() == SyncResync.Reason.GAP && sender.equals(r.sender()))
                .mapToLong(SyncResync::lostMessages).sum() == 3);
        assertFalse(resyncs.stream().anyMatch(r -> r.reason() == SyncResync.Reason.GAP && !sender.equals(r.sender())));
        assertEquals(10, hub.counters().received());
        assertTrue(failures.stream().anyMatch(f -> f.stage() == SyncStage.DELIVERY && f.source().equals("gaps")));
    }
}
