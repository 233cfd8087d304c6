package org.synchub.bench;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import org.glassfish.tyrus.spi.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.synchub.SyncHub;
import org.synchub.core.SyncHubBuilder;
import org.synchub.driver.pgsql.PgsqlAdapter;
import org.synchub.driver.pgsql.PgsqlOffload;
import org.synchub.history.SyncFrames;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.tck.TckClient;
import org.synchub.testing.LoopbackTyrus;
import org.synchub.testing.PostgresServer;
import org.synchub.testing.TyrusHubNode;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.synchub.bench.BenchHubs.load;
import static org.synchub.bench.BenchHubs.median;
import static org.synchub.bench.BenchHubs.waitRelayed;

/**
 * The pgsql history store's cost, on a private PostgreSQL server on loopback, two hubs (A publishes, B receives).
 *
 * <ul>
 * <li>Publish cost: N messages of 200 bytes published on hub A as fast as the caller can, counted as they arrive at
 * hub B, on a topic without history and on a history topic, in alternating rounds; with the CPU time PostgreSQL's
 * processes spent per message (from {@code /proc}: the postmaster's own and reaped children's time, plus its live
 * children's).</li>
 * <li>Resume time: a client of hub B that missed 100 or 1,000 messages subscribes with its last position; the time
 * from {@code history().subscribe} to its future completing, and to the last replayed frame arriving at the
 * WebSocket client.</li>
 * </ul>
 *
 * Run: {@code mvn -q -o -pl benchmarks -am package exec:java -DskipTests -Dbench=PgsqlHistory}
 * (options: {@code -Dmessages=10000 -Drounds=3 -Dresumes=5}).
 */
public final class PgsqlHistoryBenchmark {

    private static final int SIZE = 200;
    private static final SyncFrames FRAMES = (position, payload, recovered) ->
            (position == null ? "-" : position.toString()) + "|" + recovered + "|" + payload;

    private PgsqlHistoryBenchmark() {
    }

    /**
     * Runs this program.
     *
     * @param args none; options are system properties
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        int messages = Integer.getInteger("messages", 10_000);
        int rounds = Integer.getInteger("rounds", 3);
        int resumes = Integer.getInteger("resumes", 5);
        System.out.printf(Locale.ROOT, "PgsqlHistoryBenchmark: %d-byte messages, %d cores, Java %s, load average %s%n",
                SIZE, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load());
        try (PostgresServer server = PostgresServer.launch()) {
            PgsqlOffload creating = new PgsqlOffload(true, PgsqlOffload.DEFAULT_TABLE, true,
                    PgsqlOffload.DEFAULT_TTL_MS);
            SyncHub a = hub(server, creating);
            SyncHub b = hub(server, creating);
            TyrusHubNode nodeB = TyrusHubNode.start(b);
            BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
            ServerContainer container = sessionServer(sessions);
            int port = TyrusHubNode.freePort();
            container.start("/", port);
            URI uri = URI.create("ws://127.0.0.1:" + port + "/chat");
            long postmaster = postmaster(server);
            try (TckClient plain = TckClient.connect(nodeB.uri("/n", "lobby"));
                 TckClient history = TckClient.connect(nodeB.uri("/n", "room-0"))) {
                waitRelayed(a, b);
                publish(a, b, "lobby", messages / 5); // warm-up
                publish(a, b, "room-0", messages / 5);
                double[][] results = new double[4][rounds];
                for (int r = 0; r < rounds; r++) {
                    for (int mode = 0; mode < 2; mode++) {
                        String topic = mode == 0 ? "lobby" : "room-0";
                        long cpu = cpuTicks(postmaster);
                        double rate = publish(a, b, topic, messages);
                        double cpuMicros = (cpuTicks(postmaster) - cpu) * 1e6 / ticksPerSecond() / messages;
                        results[mode * 2][r] = rate;
                        results[mode * 2 + 1][r] = cpuMicros;
                    }
                    System.out.printf(Locale.ROOT, "round %d: history off %,8.0f msgs/s, PostgreSQL CPU %6.1f us/msg"
                            + " | history on %,8.0f msgs/s, PostgreSQL CPU %6.1f us/msg%n", r + 1, results[0][r],
                            results[1][r], results[2][r], results[3][r]);
                }
                System.out.printf(Locale.ROOT, "median: history off %,8.0f msgs/s, %6.1f us PostgreSQL CPU/msg; "
                        + "history on %,8.0f msgs/s, %6.1f us PostgreSQL CPU/msg%n", median(results[0]),
                        median(results[1]), median(results[2]), median(results[3]));
                for (int missed : new int[] {100, 1000}) {
                    double[] subscribed = new double[resumes];
                    double[] delivered = new double[resumes];
                    for (int i = 0; i < resumes; i++) {
                        double[] t = resume(a, b, uri, sessions, "room-r" + missed, missed);
                        subscribed[i] = t[0];
                        delivered[i] = t[1];
                    }
                    System.out.printf(Locale.ROOT, "resume of %,d missed messages: subscribe completed in [%s] ms, "
                            + "last frame at the client after [%s] ms (median %.1f / %.1f ms of %d)%n", missed,
                            round(subscribed), round(delivered),
                            median(subscribed), median(delivered), resumes);
                }
                System.out.printf(Locale.ROOT, "hub A %s%nhub B %s%nload average at the end: %s%n", a.counters(),
                        b.counters(), load());
            } finally {
                container.stop();
                a.close();
                nodeB.close();
            }
        }
        System.exit(0);
    }

    private static SyncHub hub(PostgresServer server, PgsqlOffload offload) {
        return SyncHubBuilder.create().historyTopics("room-*").historySize(2000).historyMaxRecover(1000)
                .adapter(PgsqlAdapter.url(server.jdbcUrl(), "postgres", null, "bench").offload(offload)).build();
    }

    /** A WebSocket server at {@code /chat} whose sessions the benchmark subscribes itself. */
    private static ServerContainer sessionServer(BlockingQueue<Session> sessions) throws Exception {
        ServerContainer container = LoopbackTyrus.container();
        container.addEndpoint(ServerEndpointConfig.Builder.create(Opened.class, "/chat")
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(new Opened(sessions));
                    }
                }).build());
        return container;
    }

    /** Hands each opened session to the benchmark. */
    public static final class Opened extends Endpoint {
        private final BlockingQueue<Session> sessions;

        /** @param sessions where opened sessions go */
        public Opened(BlockingQueue<Session> sessions) {
            this.sessions = sessions;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            sessions.add(session);
        }
    }

    private static Session nextSession(BlockingQueue<Session> sessions) throws InterruptedException {
        Session session = sessions.poll(10, TimeUnit.SECONDS);
        if (session == null) {
            throw new IllegalStateException("no session opened");
        }
        return session;
    }

    /** Milliseconds to the subscribe future's completion and to the last replayed frame at the client. */
    private static double[] resume(SyncHub a, SyncHub b, URI uri, BlockingQueue<Session> sessions, String topic,
                                   int missed) throws Exception {
        SyncPosition since;
        try (TckClient first = TckClient.connect(uri)) {
            since = b.history().subscribe(nextSession(sessions), topic, null, FRAMES).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).position();
        }
        try (TckClient watcher = TckClient.connect(uri)) {
            b.history().subscribe(nextSession(sessions), topic, null, FRAMES).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            for (int i = 0; i < missed; i++) {
                a.publish(topic, payload(i));
            }
            for (int i = 0; i < missed; i++) { // every missed message is stored (and relayed) by now
                watcher.nextText(Duration.ofSeconds(30));
            }
        }
        try (TckClient client = TckClient.connect(uri)) {
            Session session = nextSession(sessions);
            long start = System.nanoTime();
            SyncRecovery r = b.history().subscribe(session, topic, since, FRAMES).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            long subscribed = System.nanoTime();
            if (!r.complete() || r.replayed() != missed) {
                throw new IllegalStateException("resume not complete: " + r);
            }
            String last = null;
            for (int i = 0; i < missed; i++) {
                last = client.nextText(Duration.ofSeconds(30));
            }
            long delivered = System.nanoTime();
            if (!last.startsWith(r.position() + "|true|")) {
                throw new IllegalStateException("the last replayed frame is " + last + ", not " + r.position());
            }
            return new double[] {(subscribed - start) / 1e6, (delivered - start) / 1e6};
        }
    }

    /** Publishes {@code n} on A and returns messages/s until B received them all. */
    private static double publish(SyncHub a, SyncHub b, String topic, int n) throws Exception {
        long before = b.counters().received();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            a.publish(topic, payload(i));
        }
        long deadline = start + TimeUnit.SECONDS.toNanos(120);
        while (b.counters().received() - before < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("B received " + (b.counters().received() - before) + " of " + n);
            }
            Thread.sleep(1);
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static String payload(int seq) {
        StringBuilder sb = new StringBuilder(SIZE).append(seq).append(':');
        while (sb.length() < SIZE) {
            sb.append('x');
        }
        return sb.toString();
    }

    private static long postmaster(PostgresServer server) throws Exception {
        try (Connection c = server.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW data_directory")) {
            rs.next();
            return Long.parseLong(Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim());
        }
    }

    /** utime + stime + cutime + cstime of the postmaster, plus utime + stime of its live children, in ticks. */
    private static long cpuTicks(long postmaster) throws Exception {
        long total = ticks(postmaster, true);
        String children = Files.readString(Path.of("/proc", String.valueOf(postmaster), "task",
                String.valueOf(postmaster), "children")).trim();
        for (String child : children.isEmpty() ? new String[0] : children.split("\\s+")) {
            try {
                total += ticks(Long.parseLong(child), false);
            } catch (java.io.IOException exited) {
                // counted in the postmaster's cutime once reaped
            }
        }
        return total;
    }

    private static long ticks(long pid, boolean withChildren) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after the command: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
        long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
    }

    private static long ticksPerSecond() {
        return 100; // USER_HZ on Linux
    }

    private static String round(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", v));
        }
        return sb.toString();
    }

}
