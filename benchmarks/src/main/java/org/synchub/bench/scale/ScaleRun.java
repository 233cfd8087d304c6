package org.synchub.bench.scale;

import org.HdrHistogram.Histogram;
import org.synchub.bench.e2e.E2eRun;
import org.synchub.bench.e2e.ContainerServer;
import org.synchub.bench.e2e.E2eServer;
import org.synchub.bench.e2e.Proc;
import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.PayaraMicroServer;
import org.synchub.example.servers.WildFlyServer;
import org.synchub.bench.war.MemoryStats;
import org.synchub.testing.RedisServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Orchestrates the Scale benchmark (issue 26) for one container: for each server (SyncHub, the raw baseline,
 * crossws), one instance at a time on a private redis-server, with the client connections spread over
 * {@link ScaleGenerator} processes: memory per connection (and the hub's share), broadcast to every connection,
 * a reconnect storm with and without backoff, steady chat in rooms of 10. Tables go to the console and to
 * {@code benchmarks/results/<UTC date>/scale-<container>.md} and {@code .csv}.
 */
public final class ScaleRun {

    /** Connections one generator holds at most: its fd limit (20,000 here) with a margin. */
    private static final int PER_GENERATOR = Integer.getInteger("scale.perGenerator", 9000);

    private final boolean quick = Boolean.getBoolean("scale.quick");
    private final int[] counts = ints(System.getProperty("scale.counts", quick ? "2000" : "10000,18000"));
    private final int stormClients = Integer.getInteger("scale.storm", quick ? 2000 : 10000);
    private final int chatClients = Integer.getInteger("scale.chat", quick ? 2000 : 10000);
    private final int broadcasts = Integer.getInteger("scale.broadcasts", quick ? 5 : 20);
    private final int[] curveCounts = ints(System.getProperty("scale.curve",
            quick ? "500,1000,2000" : "1000,2000,5000,10000,14000,18000"));
    private final List<String> steps = List.of(System.getProperty("scale.steps", "memory,storm,chat").split(","));
    private final String container;
    private final Path root = E2eRun.projectRoot();
    private final Path logs = root.resolve("benchmarks/target/scale-logs");
    private final ScaleReport report;
    private final List<Proc> generators = new ArrayList<>();
    private RedisServer redis;
    private E2eServer server;
    private String redisUrl;

    private ScaleRun(String container) {
        this.container = container;
        String only = System.getProperty("scale.steps", "");
        String variant = System.getProperty("scale.variant", "");
        this.report = new ScaleReport(container + (only.isBlank() ? "" : "-" + only.replace(',', '-'))
                + (variant.isBlank() ? "" : "-" + variant), E2eRun.resultsDirectory(root));
    }

    /**
     * Runs the benchmark for each container of {@code -Dscale.container} (one) or {@code -Dscale.containers}.
     *
     * @param args none; options are system properties (BENCHMARKS.md)
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        String list = System.getProperty("scale.container", System.getProperty("scale.containers",
                "tyrus,wildfly,payara"));
        int exit = 0;
        for (String container : list.split(",")) {
            ScaleRun run = new ScaleRun(container.trim().toLowerCase(Locale.ROOT));
            try {
                run.run();
            } catch (Exception e) {
                e.printStackTrace();
                run.report.note("FAILED: " + e);
                exit = 1;
            } finally {
                run.shutdown();
                run.report.write();
                ScalePlots.render(E2eRun.resultsDirectory(run.root));
            }
        }
        System.exit(exit);
    }

    private void run() throws Exception {
        Files.createDirectories(logs);
        report.note("machine: nproc " + Runtime.getRuntime().availableProcessors() + ", load average "
                + E2eRun.loadAverage() + ", fd hard limit " + hardFdLimit() + ", ephemeral ports "
                + String.join("", Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))).trim()
                        .replaceAll("\\s+", "-") + ", server JVM options " + String.join(" ", serverJvm()));
        report.note("30,000 connections are not measured: one server process holds one fd per connection and its "
                + "hard limit (ulimit -Hn) is " + hardFdLimit() + " without CAP_SYS_RESOURCE to raise it, so one "
                + "instance holds at most ~19,000; the largest count measured is " + Math.max(counts[counts.length - 1],
                steps.contains("curve") ? curveCounts[curveCounts.length - 1] : 0));
        if (!List.of("tyrus", "wildfly", "payara").contains(container)) {
            throw new IllegalArgumentException("scale.container " + container + ": use tyrus, wildfly or payara");
        }
        redis = RedisServer.start();
        String redisUrl = "redis://127.0.0.1:" + redis.port();
        int most = Math.max(Arrays.stream(counts).max().orElse(0), Math.max(stormClients, chatClients)) + 1;
        if (steps.contains("curve")) {
            most = Math.max(most, Arrays.stream(curveCounts).max().orElse(0) + 1);
        }
        int g = (most + PER_GENERATOR - 1) / PER_GENERATOR;
        for (int i = 0; i < g; i++) {
            Proc gen = start("gen-" + i, Proc.java(List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC"),
                    ScaleGenerator.class, "127.0.0." + (2 + i), g > 1 ? "1" : "2", "64"));
            gen.expect("READY", 60_000);
            generators.add(gen);
        }
        report.note(g + " generator process(es), client sockets bound to 127.0.0.2.." + "127.0.0." + (1 + g));
        this.redisUrl = "redis://127.0.0.1:" + redis.port();
        if (Files.isRegularFile(root.resolve("benchmarks/crossws/package.json"))) {
            npmCi();
        }
        for (String kind : System.getProperty("scale.servers", "SyncHub,raw,crossws").split(",")) {
            new ScaleSteps(this, kind).all();
            stopServer();
        }
    }

    /**
     * Stops the server under test, if any, and starts a fresh one of {@code kind} (SyncHub, raw or crossws), so that
     * each memory baseline is taken in a process that has not held connections before.
     */
    Target freshServer(String kind) throws Exception {
        stopServer();
        if (!container.equals("tyrus") && !kind.equals("crossws")) {
            return freshContainer(kind);
        }
        int port = freePort();
        List<String> jvm = new ArrayList<>(serverJvm());
        jvm.add("-Djava.util.logging.config.file=" + root.resolve(".ci/test-logging.properties"));
        List<String> command = switch (kind) {
            case "SyncHub" -> Proc.java(jvm, org.synchub.bench.e2e.SyncHubChatServer.class, "" + port, redisUrl,
                    "scale-synchub");
            case "raw" -> Proc.java(jvm, org.synchub.bench.e2e.RawChatServer.class, "" + port, redisUrl,
                    "scale-raw");
            default -> List.of("node", "--expose-gc", root.resolve("benchmarks/crossws/server.mjs").toString(),
                    "" + port, redisUrl, "scale-crossws");
        };
        Proc proc = start(kind, command);
        server = proc;
        proc.expect("READY", 120_000);
        report.note(kind + " started (pid " + proc.pid() + ", port " + port + ")");
        return new Target(kind, proc, "ws://127.0.0.1:" + port);
    }

    /**
     * SyncHub or raw inside WildFly or Payara Micro (Payara with {@code --nocluster}, as the e2e benchmark runs it):
     * bench-war's WAR at {@code /bench}, the hub or relay configured by system properties. The container inherits
     * this JVM's soft fd limit (run Maven under {@code ulimit -n 20000}).
     */
    private Target freshContainer(String kind) throws Exception {
        Path war = root.resolve(kind.equals("SyncHub") ? "bench-war/target/bench-synchub.war"
                : "bench-war/target/bench-synchub-raw.war");
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException(war + " is missing: run through Maven from the checkout's root with -am");
        }
        String name = "scale-" + kind.toLowerCase(Locale.ROOT);
        Path dir = logs.resolve("servers").resolve(container + "-" + name);
        AppServer app = container.equals("wildfly") ? WildFlyServer.create(name, dir)
                : PayaraMicroServer.create(name, dir);
        String channel = "scale-" + kind.toLowerCase(Locale.ROOT);
        List<String> jvm = new ArrayList<>(serverJvm());
        jvm.addAll(List.of("-Dsynchub.driver=redis", "-Dsynchub.redis.url=" + redisUrl,
                "-Dsynchub.channel=" + channel));
        app.deploy(war, ContainerServer.CONTEXT).jvmArgs(jvm)
                .readyWhen("stats", body -> body.startsWith("MEM "));
        ContainerServer wrapped = new ContainerServer(app);
        server = wrapped;
        app.start();
        wrapped.started();
        report.note(kind + " on " + container + " started (pid " + wrapped.pid() + ", log " + app.log() + ")");
        return new Target(kind + " (" + container + ")", wrapped, wrapped.wsBase());
    }

    /**
     * The server JVMs' options: 256 MB to 2 GB of heap, G1, and {@code -Dscale.serverJvmArgs} (space-separated; a
     * {@code -XX:+Use...GC} there replaces G1), e.g. to measure a tuning.
     */
    private static List<String> serverJvm() {
        List<String> extra = E2eRun.serverJvmExtra("scale.serverJvmArgs");
        List<String> jvm = new ArrayList<>(List.of("-Xms256m", "-Xmx2g"));
        if (extra.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w*GC"))) {
            jvm.add("-XX:+UseG1GC");
        }
        jvm.addAll(extra);
        return jvm;
    }

    private void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    // ------------------------------------------------------------------ helpers for ScaleSteps

    boolean quick() {
        return quick;
    }

    int[] counts() {
        return counts;
    }

    /** @return the connection counts of the curve ({@code -Dscale.curve}), ascending */
    int[] curveCounts() {
        return curveCounts;
    }

    int stormClients() {
        return stormClients;
    }

    int chatClients() {
        return chatClients;
    }

    int broadcasts() {
        return broadcasts;
    }

    /** @return the measurements to run ({@code -Dscale.steps}, default {@code memory,storm,chat}) */
    List<String> steps() {
        return steps;
    }

    ScaleReport report() {
        return report;
    }

    List<Proc> generators() {
        return generators;
    }

    /** Spreads {@code n} connections (global indices 0..n-1, offset by {@code first}) over the generators. */
    String connect(int n, int first, int rooms, String urlPrefix) throws Exception {
        int g = generators.size();
        for (int i = 0; i < g; i++) {
            int from = (int) ((long) n * i / g);
            int to = (int) ((long) n * (i + 1) / g);
            generators.get(i).send("CONNECT " + (to - from) + " " + (first + from) + " " + rooms + " " + urlPrefix);
        }
        StringBuilder out = new StringBuilder();
        for (Proc gen : generators) {
            out.append(gen.expect("OK", 600_000)).append("; ");
        }
        return out.toString();
    }

    /** Sends {@code command} to every generator and returns their answers (starting with {@code prefix}). */
    List<String> all(String command, String prefix) throws Exception {
        for (Proc gen : generators) {
            gen.send(command);
        }
        List<String> answers = new ArrayList<>();
        for (Proc gen : generators) {
            answers.add(gen.expect(prefix, 120_000));
        }
        return answers;
    }

    /** Resets every connection of every generator and waits until the server counts none. */
    void closeAll(Target t) throws Exception {
        all("CLOSE", "OK");
        awaitSessions(t, 0, 120);
    }

    /**
     * Polls the server's session count until it is {@code n}.
     *
     * @return true if it got there within {@code seconds}
     */
    boolean awaitSessions(Target t, long n, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (t.server().sessions() != n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return true;
    }

    /** {rss bytes, heap after GC bytes, sessions} of the server. */
    long[] mem(Target t) throws Exception {
        String[] f = t.server().memLine().split(" ");
        long rss = MemoryStats.rssBytes(t.server().pid());
        return new long[] {rss > 0 ? rss : Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
    }

    /**
     * {rss bytes, heap used now (no GC)} of the server, or null if it did not answer within 5 s (a Tyrus or Node.js
     * server busy with a storm; a late answer is taken by the next poll).
     */
    long[] stat(Target t) throws Exception {
        String line;
        try {
            line = t.server() instanceof Proc proc ? proc.call("STAT", "STAT", 5_000) : t.server().statLine();
        } catch (IllegalStateException slow) {
            return null;
        }
        String[] f = line.split(" ");
        return new long[] {MemoryStats.rssBytes(t.server().pid()), Long.parseLong(f[2])};
    }

    private Proc start(String name, List<String> command) throws IOException {
        // children inherit the soft fd limit: raise it to the hard one
        List<String> wrapped = new ArrayList<>(List.of("bash", "-c", "ulimit -n $(ulimit -Hn) && exec \"$@\"",
                "bash"));
        wrapped.addAll(command);
        return Proc.start(name, wrapped, root, logs.resolve(container + "-" + name + ".log"));
    }

    private void npmCi() throws Exception {
        Path dir = root.resolve("benchmarks/crossws");
        if (Files.isDirectory(dir.resolve("node_modules/crossws"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("npm-ci.log").toFile())).start();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            throw new IllegalStateException("npm ci failed in " + dir + ": see " + logs.resolve("npm-ci.log"));
        }
    }

    private void shutdown() {
        stopServer();
        for (Proc gen : generators) {
            gen.close();
        }
        if (redis != null) {
            try {
                redis.close();
            } catch (Exception e) {
                System.err.println("[scale] stopping redis-server: " + e);
            }
        }
    }

    /**
     * @return the sessions one server process may hold: its fd hard limit less 1,000 for the JVM's own files and the
     *         backplane (19,000 where the limit is 20,000; 19,000 too when it cannot be read)
     */
    int fdRoom() {
        try {
            return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(hardFdLimit()) - 1_000);
        } catch (NumberFormatException unlimitedOrUnknown) {
            return hardFdLimit().equals("unlimited") ? Integer.MAX_VALUE : 19_000;
        }
    }

    private static String hardFdLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    return line.trim().split("\\s+")[4];
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return "n/a";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    /** A server under test: its name in the tables, its process, its WebSocket base URL. */
    record Target(String name, E2eServer server, String base) {
    }

    /** Merges a generator's base64 histogram into {@code into}. */
    static void merge(Histogram into, String base64) {
        if (base64 == null || base64.isEmpty()) {
            return;
        }
        try {
            into.add(Histogram.decodeFromCompressedByteBuffer(
                    java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(base64)), 0));
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException(e);
        }
    }
}
