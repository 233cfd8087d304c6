package org.synchub.bench;

import org.synchub.bench.e2e.E2eRun;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.presence.SyncMember;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncPresenceStore;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Issue 23: what the Redis presence store costs, measured on the store itself (the calls a hub's presence thread
 * makes), on a private redis-server on loopback.
 *
 * <ol>
 * <li><b>Reads</b> at 10, 1,000 and 10,000 members in one topic: {@code count}, {@code members}, and a read as the
 * hub makes it ({@code expire} then the read). Client-side latency (median, p99) and Redis's own time per script
 * ({@code INFO commandstats}, {@code usec_per_call} of {@code evalsha}).</li>
 * <li><b>Refresh</b> of one instance holding 10,000 members, as 1 topic × 10,000, 10 × 1,000 and 1,000 × 10: the
 * {@code refresh} call alone (one script per topic, pipelined), and the hub's whole periodic round
 * ({@code refresh} plus one {@code expire} per topic).</li>
 * <li><b>Memory</b>: {@code used_memory} after minus before writing the members, divided by the members, for the
 * same shapes.</li>
 * </ol>
 * Members look like real ones: a user id of 8 characters, a Tyrus-like session id (36), an instance id (36),
 * namespace {@code /chat}, info {@code {"name":"User 1234"}}. Writes
 * {@code benchmarks/results/<UTC date>/presence-redis.md}.
 *
 * <p>Run: {@code mvn -q -o -pl benchmarks -am package exec:java -DskipTests -Dbench=PresenceRedis}; option
 * {@code -Dbench.reads} (reads per size, default 400).
 */
public final class PresenceRedisBenchmark {

    static final int READS = Integer.getInteger("bench.reads", 400);
    static final long TTL_MS = 30_000;

    private final List<SyncDriver> drivers = new ArrayList<>();
    private final List<String> rows = new ArrayList<>();
    private final RedisServer redis;
    private int channels;

    private PresenceRedisBenchmark(RedisServer redis) {
        this.redis = redis;
    }

    /**
     * Runs the benchmark.
     *
     * @param args none
     * @throws Exception when it fails
     */
    public static void main(String[] args) throws Exception {
        String uptimeStart = uptime();
        String header;
        List<String> rows;
        try (RedisServer redis = RedisServer.start()) {
            PresenceRedisBenchmark bench = new PresenceRedisBenchmark(redis);
            header = String.format("%s; %d cores; %s; Java %s; redis-server %s (loopback, no persistence)%n"
                            + "command: mvn -q -o -pl benchmarks -am package exec:java -DskipTests"
                            + " -Dbench=PresenceRedis%s%nuptime at start: %s",
                    Instant.now(), Runtime.getRuntime().availableProcessors(), memory(),
                    System.getProperty("java.version"), bench.info("server", "redis_version"),
                    READS == 400 ? "" : " -Dbench.reads=" + READS, uptimeStart);
            System.out.println(header);
            bench.reads();
            bench.refreshes();
            rows = bench.rows;
            bench.drivers.forEach(SyncDriver::close);
        }
        String report = header + "\n\n" + String.join("\n", rows) + "\n\nuptime at end: " + uptime() + "\n";
        Path results = E2eRun.resultsDirectory(E2eRun.projectRoot());
        Files.createDirectories(results);
        Files.writeString(results.resolve("presence-redis.md"), "# Redis presence store: reads, refresh, memory"
                + " (issue 23)\n\n```\n" + report + "```\n");
        System.out.println();
        System.out.print(report);
        System.out.println("wrote " + results.resolve("presence-redis.md"));
    }

    // ------------------------------------------------------------------ the parts

    private void reads() throws Exception {
        rows.add("1. reads of one topic (one instance reading, members written by 10 instances)");
        rows.add(String.format("   %-8s | %-30s | %-30s | %-30s | %s", "members", "count: median / p99 ms (Redis us)",
                "members: median / p99 ms (Redis us)", "expire + members (the hub's read)", "join: mean ms (Redis us)"));
        for (int size : new int[] {10, 1_000, 10_000}) {
            String channel = "bench-" + (++channels);
            List<Instance> writers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                writers.add(open(channel));
            }
            Instance reader = open(channel);
            String topic = "room-" + size;
            resetStats();
            long joinStart = System.nanoTime();
            for (int m = 0; m < size; m++) {
                Instance writer = writers.get(m % writers.size());
                writer.store.join(topic, member(writer.id, m), TTL_MS);
            }
            double joinMs = (System.nanoTime() - joinStart) / 1e6 / size;
            double joinRedis = (double) redisMicros() / size;
            int reads = size >= 10_000 ? Math.max(50, READS / 4) : READS;
            for (int i = 0; i < reads / 4; i++) { // warm-up
                reader.store.count(topic);
                reader.store.members(topic);
            }
            String count = timed(reads, () -> reader.store.count(topic));
            String members = timed(reads, () -> {
                if (reader.store.members(topic).size() != size) {
                    throw new IllegalStateException("not " + size + " members");
                }
            });
            String hubRead = timed(reads, () -> {
                reader.store.expire(topic);
                reader.store.members(topic);
            });
            rows.add(String.format("   %,8d | %-30s | %-30s | %-30s | %.3f (%.1f)", size, count, members, hubRead,
                    joinMs, joinRedis));
            System.out.println(rows.get(rows.size() - 1));
        }
    }

    private void refreshes() throws Exception {
        List<String> memoryRows = new ArrayList<>();
        rows.add("");
        rows.add("2. refresh of one instance with 10,000 members (every ttl/3, default 10 s)");
        rows.add(String.format("   %-22s | %-36s | %s", "shape", "refresh: median / p99 ms (Redis us/topic)",
                "hub round (refresh + expire per topic): median / p99 ms (Redis us)"));
        memoryRows.add("3. Redis memory (used_memory after - before writing the members)");
        for (int[] shape : new int[][] {{1, 10_000}, {10, 1_000}, {1_000, 10}}) {
            int topics = shape[0];
            int perTopic = shape[1];
            String channel = "bench-" + (++channels);
            Instance instance = open(channel);
            Set<String> names = new HashSet<>();
            long before = usedMemory();
            for (int t = 0; t < topics; t++) {
                String topic = "room-" + t;
                names.add(topic);
                for (int m = 0; m < perTopic; m++) {
                    instance.store.join(topic, member(instance.id, t * perTopic + m), TTL_MS);
                }
            }
            long after = usedMemory();
            int members = topics * perTopic;
            memoryRows.add(String.format("   %,6d topics x %,6d members: %,d bytes for %,d members = %,.0f bytes per"
                    + " member (keys of the topics included)", topics, perTopic, after - before, members,
                    (double) (after - before) / members));
            int rounds = topics >= 1_000 ? 40 : 200;
            for (int i = 0; i < rounds / 4; i++) {
                instance.store.refresh(instance.id, names, TTL_MS);
            }
            resetStats();
            String refresh = timed(rounds, () -> {
                if (!instance.store.refresh(instance.id, names, TTL_MS).isEmpty()) {
                    throw new IllegalStateException("taken for dead");
                }
            });
            double redisPerTopic = Double.parseDouble(refresh.replaceFirst(".*\\((.*)\\)", "$1")) / topics;
            String round = timed(rounds, () -> {
                instance.store.refresh(instance.id, names, TTL_MS);
                for (String topic : names) {
                    instance.store.expire(topic);
                }
            });
            rows.add(String.format("   %,6d x %,6d members  | %-36s | %s", topics, perTopic,
                    refresh.replaceFirst(" \\(.*", "") + String.format(" (%.1f)", redisPerTopic), round));
            System.out.println(rows.get(rows.size() - 1));
            System.out.println(memoryRows.get(memoryRows.size() - 1));
        }
        rows.add("");
        rows.addAll(memoryRows);
    }

    // ------------------------------------------------------------------ helpers

    private record Instance(String id, SyncPresenceStore store) {
    }

    private interface Step {
        void run() throws Exception;
    }

    private Instance open(String channel) {
        RecordingContext context = new RecordingContext();
        SyncDriver driver = RedisAdapter.url(redis.url(), channel).open(context);
        drivers.add(driver);
        return new Instance(context.instanceId(), driver.presence().orElseThrow());
    }

    private static SyncMember member(String instance, int n) {
        return new SyncMember(String.format("user%04d", n % 10_000), UUID.randomUUID().toString(), instance, "/chat",
                "{\"name\":\"User " + n + "\"}");
    }

    /** @return "median / p99 ms (Redis us per run)" over {@code times} runs of {@code step} */
    private String timed(int times, Step step) throws Exception {
        long[] nanos = new long[times];
        resetStats();
        for (int i = 0; i < times; i++) {
            long start = System.nanoTime();
            step.run();
            nanos[i] = System.nanoTime() - start;
        }
        double redisMicros = (double) redisMicros() / times;
        Arrays.sort(nanos);
        return String.format("%.3f / %.3f (%.1f)", nanos[times / 2] / 1e6, nanos[Math.min(times - 1,
                (int) Math.ceil(times * 0.99) - 1)] / 1e6, redisMicros);
    }

    private void resetStats() {
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            jedis.configResetStat();
        }
    }

    /** Redis's own time, in microseconds, in every command since the last reset ({@code INFO commandstats}). */
    private long redisMicros() {
        long usec = 0;
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")
                        && !line.startsWith("cmdstat_config")) {
                    for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                        String[] kv = field.split("=");
                        if (kv[0].equals("usec")) {
                            usec += Long.parseLong(kv[1]);
                        }
                    }
                }
            }
        }
        return usec;
    }

    private long usedMemory() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(200); // let the allocator settle; the figure is a delta of thousands of members
        return Long.parseLong(info("memory", "used_memory"));
    }

    private String info(String section, String key) {
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            for (String line : jedis.info(section).split("\r?\n")) {
                if (line.startsWith(key + ":")) {
                    return line.substring(key.length() + 1).trim();
                }
            }
        }
        return "?";
    }

    private static String uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return out;
        } catch (Exception e) {
            return "load average " + E2eRun.loadAverage();
        }
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return String.format("%.0f GiB RAM", Long.parseLong(line.replaceAll("\\D", "")) / 1048576.0);
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return "RAM n/a";
    }
}
