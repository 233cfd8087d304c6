package org.synchub.bench;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.synchub.SyncHub;
import org.synchub.core.SyncHubBuilder;
import org.synchub.driver.pgsql.PgsqlAdapter;
import org.synchub.tck.TckClient;
import org.synchub.testing.PostgresServer;
import org.synchub.testing.TyrusHubNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.synchub.bench.BenchHubs.load;
import static org.synchub.bench.BenchHubs.median;
import static org.synchub.bench.BenchHubs.waitRelayed;

/**
 * The pgsql driver against a raw pgjdbc baseline, on a private PostgreSQL server on loopback.
 *
 * <ul>
 * <li>Throughput: N messages of 200 bytes. Raw: one autocommit {@code SELECT pg_notify(?, ?)} per message on one
 * connection, received by a plain pgjdbc LISTENer. Hub: {@code publish} on hub A as fast as the caller can, counted
 * as they arrive at hub B ({@code counters().received}).</li>
 * <li>Latency at a fixed rate (2,000 msgs/s): raw publisher to raw listener, and hub A's {@code publish} to a
 * WebSocket client of hub B (a real Tyrus server and JDK client), from the send time carried in the message.</li>
 * </ul>
 *
 * Run: {@code mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=Pgsql}
 * (options: {@code -Dmessages=30000 -Drounds=3 -Drate=2000 -Dseconds=10}; {@code -Drounds=0} measures latency only).
 */
public final class PgsqlBenchmark {

    private static final int SIZE = 200;
    private static final String RAW_DB = "raw";

    private PgsqlBenchmark() {
    }

    /**
     * Runs this program (command and options: BENCHMARKS.md).
     *
     * @param args none; options are system properties
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        int messages = Integer.getInteger("messages", 30_000);
        int rate = Integer.getInteger("rate", 2_000);
        int seconds = Integer.getInteger("seconds", 10);
        int rounds = Integer.getInteger("rounds", 3);
        System.out.printf(Locale.ROOT, "PgsqlBenchmark: %d-byte messages, %d cores, Java %s, load average %s%n",
                SIZE, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load());
        try (PostgresServer server = PostgresServer.launch()) {
            System.out.println("PostgreSQL on 127.0.0.1:" + server.port());
            // The raw baseline runs in its own database: PostgreSQL wakes the listeners of the database a NOTIFY is
            // sent in, so the hubs' idle listeners would otherwise slow the baseline down.
            server.createDatabase(RAW_DB);

            SyncHub a = SyncHubBuilder.create().adapter(PgsqlAdapter.url(server.jdbcUrl(), "postgres", null,
                    "bench")).build();
            SyncHub b = SyncHubBuilder.create().adapter(PgsqlAdapter.url(server.jdbcUrl(), "postgres", null,
                    "bench")).build();
            TyrusHubNode nodeB = TyrusHubNode.start(b);
            try (TckClient client = TckClient.connect(nodeB.uri("/n", "t"))) {
                waitRelayed(a, b);
                raw(server, messages / 5, false); // warm-up
                hub(a, b, messages / 5);
                if (rounds > 0) {
                    throughput(server, a, b, messages, rounds);
                }
                long[] rawLatency = rawLatency(server, rate, seconds);
                report("raw latency", rate, rawLatency);
                long[] hubLatency = hubLatency(a, client, rate, seconds);
                report("hub latency (A publish -> B's WebSocket client)", rate, hubLatency);
                System.out.printf(Locale.ROOT, "hub A %s%nhub B %s%nload average at the end: %s%n", a.counters(),
                        b.counters(), load());
            } finally {
                a.close();
                nodeB.close();
            }
        }
        System.exit(0);
    }

    private static void throughput(PostgresServer server, SyncHub a, SyncHub b, int messages, int rounds)
            throws Exception {
        // Rounds alternate, so that load from other processes hits both sides alike; the median counts.
        double[] raws = new double[rounds];
        double[] hubs = new double[rounds];
        double[] asyncs = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            raws[r] = raw(server, messages, false);
            hubs[r] = hub(a, b, messages);
            asyncs[r] = raw(server, messages, true);
            System.out.printf(Locale.ROOT, "round %d: raw %,8.0f msgs/s | hub %,8.0f msgs/s | ratio %5.2f x"
                    + " | raw with synchronous_commit=off %,8.0f msgs/s%n", r + 1, raws[r], hubs[r],
                    hubs[r] / raws[r], asyncs[r]);
        }
        double rawRate = median(raws);
        double hubRate = median(hubs);
        System.out.printf(Locale.ROOT, "raw autocommit pg_notify -> LISTEN : %,10.0f msgs/s (median)%n", rawRate);
        System.out.printf(Locale.ROOT, "hub A -> pgsql driver -> hub B    : %,10.0f msgs/s (median)%n", hubRate);
        System.out.printf(Locale.ROOT, "ratio hub / raw                   : %10.2f x  (target >= 3)%n",
                hubRate / rawRate);
        System.out.printf(Locale.ROOT, "(reference: raw with synchronous_commit=off: %,.0f msgs/s, ratio %.2f x)%n",
                median(asyncs), hubRate / median(asyncs));
    }

    private static String payload(long stamp, int seq) {
        StringBuilder sb = new StringBuilder(SIZE).append(stamp).append(':').append(seq).append(':');
        while (sb.length() < SIZE) {
            sb.append('x');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- raw baseline

    /** A plain LISTENer on its own connection and thread; returns when it is listening. */
    private static final class RawListener implements AutoCloseable {
        final AtomicInteger received = new AtomicInteger();
        final long[] latencies;
        final Connection connection;
        final Thread thread;
        volatile boolean stop;

        RawListener(PostgresServer server, String channel, int expected) throws Exception {
            latencies = new long[expected];
            connection = server.connect(RAW_DB);
            try (Statement s = connection.createStatement()) {
                s.execute("LISTEN " + channel);
            }
            PGConnection pg = connection.unwrap(PGConnection.class);
            thread = new Thread(() -> {
                try {
                    while (!stop) {
                        PGNotification[] got = pg.getNotifications(100);
                        long now = System.nanoTime();
                        if (got != null) {
                            for (PGNotification n : got) {
                                int i = received.getAndIncrement();
                                if (i < latencies.length) {
                                    String p = n.getParameter();
                                    latencies[i] = now - Long.parseLong(p.substring(0, p.indexOf(':')));
                                }
                            }
                        }
                    }
                } catch (Exception e) {
                    if (!stop) {
                        e.printStackTrace();
                    }
                }
            });
            thread.start();
        }

        @Override
        public void close() throws Exception {
            stop = true;
            thread.join(5_000);
            connection.close();
        }
    }

    private static double raw(PostgresServer server, int n, boolean asyncCommit) throws Exception {
        try (RawListener listener = new RawListener(server, "raw", n);
             Connection c = server.connect(RAW_DB);
             PreparedStatement ps = c.prepareStatement("SELECT pg_notify('raw', ?)")) {
            if (asyncCommit) {
                c.createStatement().execute("SET synchronous_commit = off");
            }
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ps.setString(1, payload(System.nanoTime(), i));
                ps.execute();
            }
            awaitCount(listener.received, n, Duration.ofSeconds(120));
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static long[] rawLatency(PostgresServer server, int rate, int seconds) throws Exception {
        int n = rate * seconds;
        try (RawListener listener = new RawListener(server, "rawlat", n);
             Connection c = server.connect(RAW_DB);
             PreparedStatement ps = c.prepareStatement("SELECT pg_notify('rawlat', ?)")) {
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                pace(start + i * interval);
                ps.setString(1, payload(System.nanoTime(), i));
                ps.execute();
            }
            awaitCount(listener.received, n, Duration.ofSeconds(60));
            return listener.latencies;
        }
    }

    // ---------------------------------------------------------------- through the hubs

    private static double hub(SyncHub a, SyncHub b, int n) throws Exception {
        long before = b.counters().received();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            a.publish("bulk", payload(System.nanoTime(), i));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (b.counters().received() - before < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (b.counters().received() - before) + " of " + n
                        + " arrived; hub A: " + a.counters());
            }
            Thread.onSpinWait();
            LockSupport.parkNanos(100_000);
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static long[] hubLatency(SyncHub a, TckClient client, int rate, int seconds) throws Exception {
        int n = rate * seconds;
        long[] latencies = new long[n];
        AtomicInteger received = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try {
                while (received.get() < n) {
                    String text = client.nextText(Duration.ofSeconds(30));
                    long now = System.nanoTime();
                    int i = received.getAndIncrement();
                    latencies[i] = now - Long.parseLong(text.substring(0, text.indexOf(':')));
                }
            } catch (InterruptedException | AssertionError e) {
                System.err.println("hub latency reader stopped: " + e);
            }
        });
        reader.start();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            pace(start + i * interval);
            a.publish("t", payload(System.nanoTime(), i));
        }
        reader.join(60_000);
        if (received.get() < n) {
            throw new IllegalStateException("only " + received.get() + " of " + n + " arrived");
        }
        return latencies;
    }

    // ---------------------------------------------------------------- helpers

    private static void pace(long until) {
        long wait;
        while ((wait = until - System.nanoTime()) > 0) {
            if (wait > 200_000) {
                LockSupport.parkNanos(wait - 100_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private static void awaitCount(AtomicInteger count, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + count.get() + " of " + n + " arrived");
            }
            Thread.sleep(1);
        }
    }

    private static void report(String what, int rate, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-48s at %,d msgs/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)%n",
                what, rate, sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6,
                sorted[sorted.length - 1] / 1e6, sorted.length);
    }
}
