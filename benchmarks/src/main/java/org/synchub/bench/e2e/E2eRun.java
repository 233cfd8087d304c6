package org.synchub.bench.e2e;

import org.synchub.bench.war.MemoryStats;
import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.PayaraMicroServer;
import org.synchub.example.servers.WildFlyServer;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Orchestrates the end-to-end comparison: a private Redis, a SyncHub cluster (two Tyrus JVMs, redis driver), a
 * crossws cluster (two Node.js processes, crossws's redis sync driver over ioredis) on the same Redis, one load
 * generator JVM; idle-session memory, then for each subscriber count and payload an interleaved rate sweep of both
 * clusters; writes the table, the raw CSV and the plot under {@code benchmarks/results/<UTC date>/}.
 *
 * <p>A third cluster, {@link RawChatServer} (the same hooks written straight on Tyrus and Jedis, no hub), is swept
 * alongside as the baseline that shows what the hub itself costs ({@code -De2e.raw=false} leaves it out).
 *
 * <p>{@code -De2e.container=wildfly} or {@code payara} runs the SyncHub and raw clusters on two WildFly or two Payara
 * Micro instances each instead (bench-war's WARs at {@code /bench}, see {@link ContainerServer}); crossws is the same,
 * and the results files get the container's name as a suffix.
 *
 * <p>System properties: {@code quick=true} (a 2–3 minute subset), {@code profile=true} (JFR on the SyncHub servers
 * at saturation instead of the comparison), {@code e2e.subscribers}, {@code e2e.payloads} (comma lists) to override
 * the sweep, {@code e2e.nice}, {@code e2e.serverJvmArgs}.
 */
public final class E2eRun {

    static final double P99_LIMIT_MS = 50;
    static final String CROSSWS = "crossws";

    /** Where the SyncHub and raw clusters run ({@code -De2e.container}). */
    enum Container {
        TYRUS("Tyrus"), WILDFLY("WildFly"), PAYARA("Payara Micro");

        final String label;

        Container(String label) {
            this.label = label;
        }

        static Container of(String value) {
            for (Container c : values()) {
                if (c.name().equalsIgnoreCase(value.trim())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("e2e.container is '" + value + "': use tyrus (the default: Tyrus "
                    + "standalone servers), wildfly or payara");
        }

        String label() {
            return label;
        }

        String synchubName() {
            return this == TYRUS ? "SyncHub" : "SyncHub/" + label;
        }

        String rawName() {
            return "raw " + (this == PAYARA ? "Payara" : label) + "+Jedis";
        }

        /** Results file name suffix: none for Tyrus (today's files), else {@code -wildfly} / {@code -payara}. */
        String suffix() {
            return this == TYRUS ? "" : "-" + name().toLowerCase(Locale.ROOT);
        }

        String title() {
            return this == TYRUS ? "" : " — SyncHub on " + label;
        }

        String flag() {
            return this == TYRUS ? "" : " -De2e.container=" + name().toLowerCase(Locale.ROOT);
        }
    }

    final boolean quick = Boolean.getBoolean("quick");
    final Container container = Container.of(System.getProperty("e2e.container", "tyrus"));
    /** The SyncHub cluster's name in the results ("SyncHub", "SyncHub/WildFly", ...). */
    final String synchub = container.synchubName();
    /** The raw baseline cluster's name in the results ("raw Tyrus+Jedis", "raw WildFly+Jedis", ...). */
    final String raw = container.rawName();
    final Path root;
    final Path results;
    final Path logs;
    final List<Proc> procs = new ArrayList<>();
    final List<ContainerServer> containers = new ArrayList<>();
    final Map<String, Cluster> clusters = new LinkedHashMap<>();
    RedisServer redis;
    int redisPort;
    Proc generator;
    final List<Step> steps = new ArrayList<>();
    /** Failed first tries that were re-run (see {@link #sweep}). */
    final List<Step> retried = new ArrayList<>();
    final List<String> memoryRows = new ArrayList<>();
    final List<String> loadNotes = new ArrayList<>();
    final String startedAt = Instant.now().toString();

    record Step(String cluster, int subscribers, int payload, double rate, Map<String, String> result) {
        boolean passed() {
            return lost() == 0 && Long.parseLong(result.get("samples")) > 0
                    && Long.parseLong(result.get("send_errors")) == 0
                    && Long.parseLong(result.get("closed")) == 0 && p99Ms() < P99_LIMIT_MS;
        }

        long lost() {
            return Long.parseLong(result.get("lost"));
        }

        double p50Ms() {
            return Long.parseLong(result.get("p50_us")) / 1000.0;
        }

        double p99Ms() {
            return Long.parseLong(result.get("p99_us")) / 1000.0;
        }

        double maxMs() {
            return Long.parseLong(result.get("max_us")) / 1000.0;
        }

        double delivered() {
            return Double.parseDouble(result.get("delivered_per_s"));
        }

        /** CPU time of both server processes over the whole step, per message received by a subscriber. */
        double serverCpuMicrosPerDelivery() {
            long received = Long.parseLong(result.get("received"));
            return received == 0 ? Double.NaN : Long.parseLong(result.get("server_cpu_ms")) * 1000.0 / received;
        }

        /**
         * CPU time of the load generator process (all its threads: publishers, client selectors, GC) over the whole
         * step, per message received by a subscriber: the other side of every delivery, to be read beside
         * {@link #serverCpuMicrosPerDelivery()}; NaN for results without the figure.
         */
        double generatorCpuMicrosPerDelivery() {
            long received = Long.parseLong(result.get("received"));
            String ms = result.get("generator_cpu_ms");
            return received == 0 || ms == null ? Double.NaN : Long.parseLong(ms) * 1000.0 / received;
        }

        /**
         * Write-family system calls of both server processes over the step (see {@link Proc#writeSyscalls}), per
         * message received by a subscriber: below 1 when servers write several frames per call; NaN without the figure.
         */
        double serverWritesPerDelivery() {
            long received = Long.parseLong(result.get("received"));
            String writes = result.get("server_write_syscalls");
            return received == 0 || writes == null || writes.startsWith("-") ? Double.NaN
                    : Long.parseLong(writes) / (double) received;
        }

        /** The load generator's CPU use over the step, in cores. */
        double generatorCores() {
            String ms = result.get("generator_cpu_ms");
            return ms == null ? Double.NaN : Long.parseLong(ms) / (double) Long.parseLong(result.get("wall_ms"));
        }

        /** Both servers' CPU use over the step, in cores (1.0 = one core busy all the time). */
        double serverCores() {
            return Long.parseLong(result.get("server_cpu_ms")) / (double) Long.parseLong(result.get("wall_ms"));
        }
    }

    /** Two server processes of one kind; group = the generator's group name for it; urls = WebSocket base URLs. */
    record Cluster(String name, String group, String channel, E2eServer a, E2eServer b, String urlA, String urlB) {
        String url(int i) {
            return i == 0 ? urlA : urlB;
        }

        static Cluster of(String name, String group, String channel, E2eServer a, E2eServer b, int portA,
                          int portB) {
            return new Cluster(name, group, channel, a, b, "ws://127.0.0.1:" + portA, "ws://127.0.0.1:" + portB);
        }
    }

    E2eRun() {
        this.root = projectRoot();
        this.results = resultsDirectory(root);
        this.logs = root.resolve("benchmarks/target/e2e-logs");
    }

    /**
     * Runs this program (command and options: BENCHMARKS.md).
     *
     * @param args none; options are system properties
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        E2eRun run = new E2eRun();
        int exit = 0;
        try {
            if (Boolean.getBoolean("profile")) {
                new E2eProfile(run).run();
            } else {
                run.compare();
            }
        } catch (Exception e) {
            e.printStackTrace();
            exit = 1;
        } finally {
            run.shutdown();
        }
        System.exit(exit);
    }

    // ------------------------------------------------------------------ setup

    /** @return the SyncHub checkout this runs in (found upwards from the working directory) */
    /**
     * Where a run's results go: {@code benchmarks/results/<UTC date>/} of the checkout, so that each day's runs stay
     * apart from the others (BENCHMARKS.md links the current ones).
     *
     * @param root the checkout's root, see {@link #projectRoot()}
     * @return the directory for today's results (not created here)
     */
    public static Path resultsDirectory(Path root) {
        return root.resolve("benchmarks/results").resolve(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
    }

    /**
     * The checkout's root directory (where the top-level pom.xml is).
     *
     * @return the root
     */
    public static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("benchmarks/crossws/package.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from the SyncHub checkout: benchmarks/crossws/package.json not found above "
                + Path.of("").toAbsolutePath());
    }

    void setUp(boolean withCrossws) throws Exception {
        Files.createDirectories(results);
        Files.createDirectories(logs);
        note("machine: " + Runtime.getRuntime().availableProcessors() + " cores, load average " + loadAverage()
                + (System.getProperty("e2e.nice", "").isBlank() ? "" : ", benchmark processes at nice "
                + System.getProperty("e2e.nice")));
        if (withCrossws) {
            npmCi();
        }
        startRedis();
        String redisUrl = "redis://127.0.0.1:" + redisPort;
        List<String> serverJvm = new ArrayList<>(List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC",
                "-Djava.util.logging.config.file=" + root.resolve(".ci/test-logging.properties")));
        serverJvm.addAll(serverJvmExtra());
        boolean withRaw = withCrossws && Boolean.parseBoolean(System.getProperty("e2e.raw", "true"));
        if (container == Container.TYRUS) {
            int sa = freePort();
            int sb = freePort();
            Proc s1 = start("synchub-a", Proc.java(serverJvm, SyncHubChatServer.class, "" + sa, redisUrl,
                    "bench-synchub"));
            Proc s2 = start("synchub-b", Proc.java(serverJvm, SyncHubChatServer.class, "" + sb, redisUrl,
                    "bench-synchub"));
            clusters.put(synchub, Cluster.of(synchub, "S", "bench-synchub", s1, s2, sa, sb));
        } else {
            startContainers(redisUrl, withRaw);
        }
        if (withCrossws) {
            int ca = freePort();
            int cb = freePort();
            Path crossws = root.resolve("benchmarks/crossws");
            Proc c1 = start("crossws-a", List.of("node", "--expose-gc", crossws.resolve("server.mjs").toString(),
                    "" + ca, redisUrl, "bench-crossws"));
            Proc c2 = start("crossws-b", List.of("node", "--expose-gc", crossws.resolve("server.mjs").toString(),
                    "" + cb, redisUrl, "bench-crossws"));
            clusters.put(CROSSWS, Cluster.of(CROSSWS, "C", "bench-crossws", c1, c2, ca, cb));
        }
        if (withRaw && container == Container.TYRUS) {
            int ra = freePort();
            int rb = freePort();
            Proc r1 = start("raw-a", Proc.java(serverJvm, RawChatServer.class, "" + ra, redisUrl, "bench-raw"));
            Proc r2 = start("raw-b", Proc.java(serverJvm, RawChatServer.class, "" + rb, redisUrl, "bench-raw"));
            clusters.put(raw, Cluster.of(raw, "R", "bench-raw", r1, r2, ra, rb));
        }
        for (Cluster cluster : clusters.values()) {
            for (E2eServer server : List.of(cluster.a(), cluster.b())) {
                if (server instanceof Proc proc) {
                    proc.expect("READY", 60_000);
                }
            }
            awaitRedisSubscribers(cluster.channel(), 2);
        }
        List<String> generatorJvm = new ArrayList<>(List.of("-Xms512m", "-Xmx2g", "-XX:+UseG1GC"));
        String generatorExtra = System.getProperty("e2e.generatorJvmArgs", "");
        if (!generatorExtra.isBlank()) {
            generatorJvm.addAll(List.of(generatorExtra.trim().split("\\s+")));
        }
        generator = start("generator", Proc.java(generatorJvm, LoadGenerator.class));
        generator.expect("READY", 60_000);
        note("servers up: " + String.join(", ", clusters.keySet()) + "; redis-server " + redisPort);
    }

    /**
     * The container mode's SyncHub (and raw) clusters: two WildFly or Payara Micro instances each, started in
     * parallel, each with one of bench-war's WARs at {@code /bench}, configured by system properties; ready once
     * {@code GET /bench/stats} answers (at most 300 s, else a {@code ServerStartException} with the log's path).
     */
    void startContainers(String redisUrl, boolean withRaw) throws Exception {
        Path war = root.resolve("bench-war/target/bench-synchub.war");
        Path rawWar = root.resolve("bench-war/target/bench-synchub-raw.war");
        for (Path file : List.of(war, rawWar)) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException(file + " is missing: run through Maven from the checkout's root, "
                        + "mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=E2e -De2e.container="
                        + container.name().toLowerCase(Locale.ROOT) + " (bench-war builds the WARs)");
            }
        }
        List<String> jvm = new ArrayList<>(List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC"));
        jvm.addAll(serverJvmExtra());
        ContainerServer s1 = container("synchub-a", war, jvm, redisUrl, "bench-synchub");
        ContainerServer s2 = container("synchub-b", war, jvm, redisUrl, "bench-synchub");
        ContainerServer r1 = withRaw ? container("raw-a", rawWar, jvm, redisUrl, "bench-raw") : null;
        ContainerServer r2 = withRaw ? container("raw-b", rawWar, jvm, redisUrl, "bench-raw") : null;
        long t0 = System.nanoTime();
        AppServer.startAll(containers.stream().map(c -> c.server).toArray(AppServer[]::new));
        for (ContainerServer c : containers) {
            c.started();
        }
        note(String.format(Locale.ROOT, "%d %s instances deployed in %.0f s (logs: %s)", containers.size(),
                container.label(), (System.nanoTime() - t0) / 1e9, logs.resolve("servers")));
        clusters.put(synchub, new Cluster(synchub, "S", "bench-synchub", s1, s2, s1.wsBase(), s2.wsBase()));
        if (withRaw) {
            clusters.put(raw, new Cluster(raw, "R", "bench-raw", r1, r2, r1.wsBase(), r2.wsBase()));
        }
    }

    /** The {@code key=value} fields of a generator's {@code RESULT ...} line, in order. */
    static Map<String, String> resultFields(String line) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String field : line.substring(line.indexOf(' ') + 1).split(" ")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                result.put(field.substring(0, eq), field.substring(eq + 1));
            }
        }
        return result;
    }

    /** {@code -De2e.serverJvmArgs}: JVM options added to every server JVM's (Tyrus and container alike). */
    static List<String> serverJvmExtra() {
        return serverJvmExtra("e2e.serverJvmArgs");
    }

    /**
     * JVM options from a system property, space-separated.
     *
     * @param key the property
     * @return its options, none when it is absent or blank
     */
    public static List<String> serverJvmExtra(String key) {
        String extra = System.getProperty(key, "");
        return extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+"));
    }

    ContainerServer container(String name, Path war, List<String> jvm, String redisUrl, String channel) {
        Path dir = logs.resolve("servers").resolve(name);
        AppServer server = container == Container.WILDFLY ? WildFlyServer.create(name, dir)
                : PayaraMicroServer.create(name, dir);
        List<String> options = new ArrayList<>(jvm);
        options.addAll(List.of("-Dsynchub.driver=redis", "-Dsynchub.redis.url=" + redisUrl,
                "-Dsynchub.channel=" + channel));
        server.deploy(war, ContainerServer.CONTEXT).jvmArgs(options)
                .readyWhen("stats", body -> body.startsWith("MEM "));
        ContainerServer wrapped = new ContainerServer(server);
        containers.add(wrapped);
        return wrapped;
    }

    Proc start(String name, List<String> command) throws IOException {
        command = niced(command);
        Proc proc = Proc.start(name, command, root.resolve("benchmarks"), logs.resolve(name + ".log"));
        procs.add(proc);
        return proc;
    }

    /**
     * {@code -De2e.nice=N} runs the servers and the generator at niceness N, the same
     * for both clusters: with a negative N (root), neighbours' builds on a shared machine disturb it less.
     */
    static List<String> niced(List<String> command) {
        String nice = System.getProperty("e2e.nice", "").trim();
        if (nice.isEmpty()) {
            return command;
        }
        List<String> niced = new ArrayList<>(List.of("nice", "-n", nice));
        niced.addAll(command);
        return niced;
    }

    void npmCi() throws Exception {
        Path dir = root.resolve("benchmarks/crossws");
        Process npm;
        try {
            npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("npm-ci.log").toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("npm is needed for the crossws cluster: install Node.js 20+ and npm", e);
        }
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            throw new IllegalStateException("npm ci failed in " + dir + ": see " + logs.resolve("npm-ci.log"));
        }
    }

    /** A private redis-server (the one on the PATH, else embedded-redis's binary) on a free loopback port. */
    void startRedis() throws Exception {
        redis = RedisServer.start();
        redisPort = redis.port();
        note("redis-server: " + redis.executable());
    }

    void awaitRedisSubscribers(String channel, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            while (true) {
                Map<String, Long> subs = jedis.pubsubNumSub(channel);
                if (subs.getOrDefault(channel, 0L) >= count) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + subs + " subscribers on " + channel);
                }
                Thread.sleep(20);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    void shutdown() {
        for (ContainerServer server : containers) {
            server.close();
        }
        for (Proc proc : procs) {
            try {
                proc.close();
            } catch (Exception e) {
                proc.process.destroyForcibly();
            }
        }
        if (redis != null) {
            try {
                redis.close();
            } catch (Exception e) {
                System.err.println("[e2e] stopping redis-server: " + e);
            }
        }
    }

    // ------------------------------------------------------------------ the comparison

    void compare() throws Exception {
        long t0 = System.nanoTime();
        setUp(true);
        memory();
        warmUp();
        try {
            sweeps();
            note(String.format(Locale.ROOT, "finished in %.1f min, load average %s",
                    (System.nanoTime() - t0) / 60e9, loadAverage()));
        } finally {
            if (!steps.isEmpty()) {
                new E2eReport(this).write(); // what was measured, even when a later step failed
            }
        }
    }

    void sweeps() throws Exception {
        int[] subscriberCounts = ints(System.getProperty("e2e.subscribers", quick ? "100,1000" : "10,100,1000"));
        int[] payloads = ints(System.getProperty("e2e.payloads", quick ? "100" : "100,4096"));
        for (int n : subscriberCounts) {
            note(String.format(Locale.ROOT, "%d subscribers: connecting both clusters (load average %s)", n,
                    loadAverage()));
            for (Cluster cluster : clusters.values()) {
                String reply = generator.call(String.join(" ", "CONNECT", cluster.group(), "" + n, "/chat/bench",
                        cluster.url(0), cluster.url(1)), "OK", 180_000);
                note("  " + cluster.name() + ": " + reply);
            }
            for (int payload : payloads) {
                sweep(n, payload);
            }
            for (Cluster cluster : clusters.values()) {
                generator.call("CLOSE " + cluster.group(), "OK", 60_000);
            }
            awaitSessions(0);
        }
    }

    /**
     * Unmeasured traffic through every cluster first, so that the JVM servers are JIT-compiled before the first
     * measured step (V8 warms up too); the same for each cluster.
     */
    void warmUp() throws Exception {
        long ms = quick ? 4000 : 8000;
        for (Cluster cluster : clusters.values()) {
            generator.call(String.join(" ", "CONNECT", "W", "100", "/chat/warm", cluster.url(0), cluster.url(1)),
                    "OK", 180_000);
            for (int payload : new int[] {100, 4096}) {
                generator.call(String.format(Locale.ROOT, "RUN W 100 %d 0 %d 3000", payload, ms / 2), "RESULT",
                        120_000);
            }
            generator.call("CLOSE W", "OK", 60_000);
            awaitSessions(cluster, 0);
        }
        note("warm-up: " + ms / 1000 + " s of unmeasured traffic through each cluster (100 subscribers, 100 "
                + "publishes/s)");
    }

    /** Idle subscribed sessions: server RSS and heap for 1,000 of them, and the hub's own heap share. */
    void memory() throws Exception {
        int n = 1000;
        for (Cluster cluster : clusters.values()) {
            if (cluster.name().equals(raw)) {
                continue;
            }
            long[] base = mem(cluster);
            generator.call(String.join(" ", "CONNECT", "M", "" + n, "/chat/idle", cluster.url(0), cluster.url(1),
                    "idle"), "OK", 180_000);
            awaitSessions(cluster, n);
            long[] subscribed = mem(cluster);
            generator.call("CLOSE M", "OK", 60_000);
            awaitSessions(cluster, 0);
            String hubShare = "";
            if (cluster.name().equals(synchub)) {
                generator.call(String.join(" ", "CONNECT", "M", "" + n, "/idle/x", cluster.url(0), cluster.url(1),
                        "idle"), "OK", 180_000);
                awaitSessions(cluster, n);
                long[] plain = mem(cluster);
                generator.call("CLOSE M", "OK", 60_000);
                awaitSessions(cluster, 0);
                hubShare = String.format(Locale.ROOT, "%.0f", (subscribed[1] - plain[1]) / (double) n);
            }
            String row = String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.0f | %s |", cluster.name(),
                    base[0] / 1048576.0, subscribed[0] / 1048576.0, (subscribed[0] - base[0]) / 1048576.0 * 1000 / n,
                    (subscribed[1] - base[1]) / (double) n, hubShare.isEmpty() ? "n/a" : hubShare);
            memoryRows.add(row);
            note("memory " + row);
        }
    }

    /** RSS and heap (after GC) summed over both servers of a cluster; [2] = sessions. */
    long[] mem(Cluster cluster) throws Exception {
        long[] sum = new long[3];
        for (E2eServer server : List.of(cluster.a(), cluster.b())) {
            String[] f = server.memLine().split(" ");
            long rss = MemoryStats.rssBytes(server.pid());
            sum[0] += rss > 0 ? rss : Long.parseLong(f[1]);
            sum[1] += Long.parseLong(f[2]);
            sum[2] += Long.parseLong(f[3]);
        }
        return sum;
    }

    void awaitSessions(int n) throws Exception {
        for (Cluster cluster : clusters.values()) {
            awaitSessions(cluster, n);
        }
    }

    /** Waits until the cluster's servers count {@code n} sessions, plus or minus the generator's publishers. */
    void awaitSessions(Cluster cluster, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            long sessions = 0;
            for (E2eServer server : List.of(cluster.a(), cluster.b())) {
                sessions += server.sessions();
            }
            if (sessions == n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(cluster.name() + " has " + sessions + " sessions, expected " + n);
            }
            Thread.sleep(200);
        }
    }

    /**
     * Raises the rate level by level, the clusters alternating at each level, until each has failed at two levels in
     * a row (a failing step is re-run once first); then bisects between each cluster's highest passing level and the
     * level above it. Going on past a single failed level keeps a neighbour's burst on a shared machine from passing
     * for saturation.
     */
    void sweep(int n, int payload) throws Exception {
        note(String.format(Locale.ROOT, "sweep: %d subscribers, %d B (load average %s)", n, payload, loadAverage()));
        double factor = quick ? 2.0 : 1.8;
        double start = Math.max(2, 1000.0 / n);
        double rate = start;
        double maxRate = 200_000;
        Map<String, Double> highestPass = new HashMap<>();
        Map<String, Integer> failuresInARow = new HashMap<>();
        List<Cluster> order = new ArrayList<>(clusters.values());
        for (int i = 0; i < 20 && rate <= maxRate; i++) {
            boolean any = false;
            for (Cluster cluster : order) {
                if (failuresInARow.getOrDefault(cluster.name(), 0) >= 2) {
                    continue;
                }
                any = true;
                Step step = step(cluster, n, payload, rate);
                if (!step.passed()) {
                    // one re-run before counting a failure; the re-run replaces the first try in the results
                    steps.remove(step);
                    retried.add(step);
                    step = step(cluster, n, payload, rate);
                }
                if (step.passed()) {
                    highestPass.put(cluster.name(), rate);
                    failuresInARow.put(cluster.name(), 0);
                } else {
                    failuresInARow.merge(cluster.name(), 1, Integer::sum);
                }
            }
            if (!any) {
                break;
            }
            java.util.Collections.reverse(order);
            rate *= factor;
        }
        int refinements = quick ? 1 : 2;
        for (Cluster cluster : clusters.values()) {
            Double pass = highestPass.get(cluster.name());
            double fail = pass == null ? start : pass * factor;
            // Failed from the very first rate: step down (a busy machine) until a rate passes, at most three times.
            double lowest = start;
            for (int i = 0; i < 3 && pass == null; i++) {
                lowest /= 2;
                if (step(cluster, n, payload, lowest).passed()) {
                    pass = lowest;
                } else {
                    fail = lowest;
                }
            }
            if (pass == null || pass * factor > maxRate) {
                continue;
            }
            for (int i = 0; i < refinements; i++) {
                double mid = Math.sqrt(pass * fail);
                if (step(cluster, n, payload, mid).passed()) {
                    pass = mid;
                } else {
                    fail = mid;
                }
            }
        }
    }

    Step step(Cluster cluster, int n, int payload, double rate) throws Exception {
        generator.call("ENSURE " + cluster.group(), "OK", 180_000);
        // at low publish rates (many subscribers) the windows stretch to hold a few publishes each
        long warmup = Math.max(quick ? 500 : 1000, Math.min(2000, (long) (1000 / rate)));
        long measure = Math.max(quick ? 1500 : 3000, Math.min(8000, (long) (5000 / rate)));
        long drain = quick ? 2000 : 3000;
        long cpuBefore = Proc.cpuMillis(cluster.a().pid()) + Proc.cpuMillis(cluster.b().pid());
        long generatorBefore = Proc.cpuMillis(generator.pid());
        RunQueueWait waitBefore = RunQueueWait.of(cluster.a().pid(), cluster.b().pid());
        RunQueueWait generatorWaitBefore = RunQueueWait.of(generator.pid());
        long writesBefore = Proc.writeSyscalls(cluster.a().pid()) + Proc.writeSyscalls(cluster.b().pid());
        long wallBefore = System.nanoTime();
        String line = generator.call(String.format(Locale.ROOT, "RUN %s %.3f %d %d %d %d", cluster.group(), rate,
                payload, warmup, measure, drain), "RESULT", 120_000);
        long wallMs = (System.nanoTime() - wallBefore) / 1_000_000;
        long cpuMs = Proc.cpuMillis(cluster.a().pid()) + Proc.cpuMillis(cluster.b().pid()) - cpuBefore;
        long generatorMs = Proc.cpuMillis(generator.pid()) - generatorBefore;
        long waitMs = RunQueueWait.of(cluster.a().pid(), cluster.b().pid()).millisSince(waitBefore);
        long generatorWaitMs = RunQueueWait.of(generator.pid()).millisSince(generatorWaitBefore);
        long writes = Proc.writeSyscalls(cluster.a().pid()) + Proc.writeSyscalls(cluster.b().pid()) - writesBefore;
        line += " server_cpu_ms=" + cpuMs + " generator_cpu_ms=" + generatorMs + " wall_ms=" + wallMs
                + " server_runq_wait_ms=" + waitMs + " generator_runq_wait_ms=" + generatorWaitMs
                + " server_write_syscalls=" + writes;
        Step step = new Step(cluster.name(), n, payload, rate, resultFields(line));
        steps.add(step);
        System.out.printf(Locale.ROOT, "  %-17s n=%-4d %5dB pub %9.1f/s -> %9.0f deliveries/s  p50 %7.2f  p99 %8.2f"
                        + "  max %8.2f ms  lost %d closed %s  servers %.2f cores %.1f us/delivery  generator %.2f cores"
                        + " %.1f us/delivery  server writes %.2f/delivery  run-queue wait %.2f / %.2f threads  load %s  %s%n",
                cluster.name(),
                n, payload, rate, step.delivered(), step.p50Ms(), step.p99Ms(), step.maxMs(), step.lost(),
                step.result().get("closed"), step.serverCores(), step.serverCpuMicrosPerDelivery(), step.generatorCores(),
                step.generatorCpuMicrosPerDelivery(), step.serverWritesPerDelivery(), waitMs / (double) wallMs, generatorWaitMs / (double) wallMs,
                loadAverage().split(" ")[0], step.passed() ? "ok" : "FAIL");
        return step;
    }

    void note(String line) {
        System.out.println("[e2e] " + line);
        loadNotes.add(line);
    }

    /** @return the 1, 5 and 15 minute load averages from {@code /proc/loadavg}, or {@code n/a} */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    static int[] ints(String list) {
        return java.util.Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
