package org.synchub.bench;

import org.synchub.driver.pgsql.PgsqlAdapter;
import org.synchub.presence.SyncMember;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncPresenceStore;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.PostgresServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The cost of the PostgreSQL presence store's operations by topic size, on a private PostgreSQL server on loopback,
 * measured through the driver's store as the hub calls it (one connection, one operation at a time).
 *
 * <ul>
 * <li>For 10, 1,000 and 10,000 members in one topic (written directly with SQL, half as many users): a read as the
 * hub makes it ({@code expire} then {@code members}), a count ({@code expire} then {@code count}), a refresh of the
 * instance holding all those members, and a join plus leave of one more member.</li>
 * <li>The refresh of one instance with 10,000 members spread over 1, 100 and 1,000 topics (it is one UPDATE over
 * the instance's heartbeat rows: its cost follows the topics, not the members).</li>
 * <li>The tables' size per member.</li>
 * </ul>
 *
 * Run: {@code mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=PresencePgsql}
 * (option {@code -Drepeats=200}: operations timed per figure; the median and p99 are printed).
 */
public final class PresencePgsqlBenchmark {

    private static final long TTL = 600_000;

    private PresencePgsqlBenchmark() {
    }

    /**
     * Runs this program.
     *
     * @param args none; options are system properties
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        int repeats = Integer.getInteger("repeats", 200);
        System.out.printf(Locale.ROOT, "PresencePgsqlBenchmark: %d cores, Java %s, load average %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load());
        try (PostgresServer server = PostgresServer.launch()) {
            RecordingContext context = new RecordingContext();
            SyncDriver driver = PgsqlAdapter.url(server.jdbcUrl(), server.user(), null, "bench").open(context);
            SyncPresenceStore store = driver.presence().orElseThrow();
            String self = context.instanceId();
            store.join("warm-up", new SyncMember("u", "c", self, "/", null), TTL); // creates the tables
            try (Connection sql = server.connect()) {
                System.out.println("| members in the topic | read (expire + members) | count (expire + count) "
                        + "| refresh (1 topic) | join + leave of one |");
                System.out.println("|---|---|---|---|---|");
                for (int members : new int[] {10, 1_000, 10_000}) {
                    String topic = "room-" + members;
                    fill(sql, topic, "other", members, true);
                    store.refresh("other", Set.of(topic), TTL);
                    String read = time(repeats, () -> {
                        store.expire(topic);
                        store.members(topic);
                    });
                    String count = time(repeats, () -> {
                        store.expire(topic);
                        store.count(topic);
                    });
                    String refresh = time(repeats, () -> store.refresh("other", Set.of(topic), TTL));
                    SyncMember one = new SyncMember("newcomer", "n1", self, "/", "{\"n\":1}");
                    String joinLeave = time(repeats, () -> {
                        store.join(topic, one, TTL);
                        store.leave(topic, one);
                    });
                    System.out.printf(Locale.ROOT, "| %,d | %s | %s | %s | %s |%n", members, read, count, refresh,
                            joinLeave);
                }
                System.out.println();
                System.out.println("| one instance's 10,000 members over | refresh |");
                System.out.println("|---|---|");
                for (int topics : new int[] {1, 100, 1_000}) {
                    String instance = "spread-" + topics;
                    Set<String> names = new HashSet<>();
                    for (int t = 0; t < topics; t++) {
                        String topic = "spread-" + topics + "-" + t;
                        names.add(topic);
                        fill(sql, topic, instance, 10_000 / topics, false);
                    }
                    vacuum(sql);
                    store.refresh(instance, names, TTL);
                    String refresh = time(Math.max(20, repeats / 4), () -> store.refresh(instance, names, TTL));
                    System.out.printf(Locale.ROOT, "| %,d topics | %s |%n", topics, refresh);
                }
                System.out.println();
                try (PreparedStatement ps = sql.prepareStatement("SELECT pg_total_relation_size('synchub_presence') "
                        + "+ pg_total_relation_size('synchub_presence_instance'), (SELECT count(*) FROM "
                        + "synchub_presence)"); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    System.out.printf(Locale.ROOT, "tables and indexes: %,d bytes for %,d members = %d bytes per "
                            + "member%n", rs.getLong(1), rs.getLong(2), rs.getLong(1) / rs.getLong(2));
                }
            }
            driver.close();
            System.out.println("load average at the end: " + load());
        }
    }

    /** Writes {@code members} members of {@code instance} (two connections per user) into {@code topic}. */
    private static void fill(Connection sql, String topic, String instance, int members, boolean vacuum)
            throws Exception {
        try (PreparedStatement ps = sql.prepareStatement("INSERT INTO synchub_presence (channel, topic, instance, "
                + "connection, user_id, namespace, info) SELECT 'bench', ?, ?, 'c' || i, 'user' || (i / 2), '/chat', "
                + "'{\"name\":\"user' || (i / 2) || '\"}' FROM generate_series(1, ?) AS i")) {
            ps.setString(1, topic);
            ps.setString(2, instance);
            ps.setInt(3, members);
            ps.executeUpdate();
        }
        if (vacuum) {
            vacuum(sql);
        }
    }

    private static void vacuum(Connection sql) throws Exception {
        try (PreparedStatement ps = sql.prepareStatement("VACUUM ANALYZE synchub_presence")) {
            ps.execute();
        }
    }

    /** An operation to time. */
    private interface Operation {
        void run() throws Exception;
    }

    /** Median and p99 of {@code repeats} runs after a few warm-up runs, in ms. */
    private static String time(int repeats, Operation operation) throws Exception {
        for (int i = 0; i < 5; i++) {
            operation.run();
        }
        long[] nanos = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            operation.run();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return String.format(Locale.ROOT, "%.2f / %.2f ms", nanos[repeats / 2] / 1e6,
                nanos[Math.min(repeats - 1, (int) Math.ceil(repeats * 0.99) - 1)] / 1e6);
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
