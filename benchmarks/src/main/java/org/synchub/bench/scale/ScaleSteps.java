package org.synchub.bench.scale;

import org.HdrHistogram.Histogram;
import org.synchub.bench.e2e.Proc;
import org.synchub.bench.e2e.ThreadCpu;
import org.synchub.bench.scale.ScaleRun.Target;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The four measurements of the Scale benchmark on one server process, in order; rows go to the run's report. */
final class ScaleSteps {

    static final String MEMORY = "1. Memory per connection (idle subscribed connections)";
    static final String HUB_SHARE = "1b. The hub's share of a session (N/2 idle-endpoint and N/2 hub sessions in "
            + "one server process; mean of idle-first and hub-first processes)";
    static final String BROADCAST = "2. Broadcast: one publish to N subscribers of one topic";
    static final String STORM = "3. Reconnect storm";
    static final String CHAT = "4. Steady chat: rooms of 10, one message per room per second";
    static final String CURVE = "5. Curve: connections added step by step to one server process, memory and "
            + "broadcasts at each count";
    static final String CLASSES = "6. What a connection's heap is: live objects by class (jcmd GC.class_histogram), "
            + "growth from the fresh server to the curve's largest count, per connection";

    private final ScaleRun run;
    private final ScaleReport report;
    private final String kind;
    private Target t;
    private long broadcastIds;

    ScaleSteps(ScaleRun run, String kind) {
        this.run = run;
        this.report = run.report();
        this.kind = kind;
        report.table(MEMORY, "server", "connections", "RSS before MB", "RSS after MB", "RSS per conn KB",
                "heap before MB", "heap after MB", "heap per conn B");
        report.table(HUB_SHARE, "server", "sessions of each kind", "idle endpoint heap per session B",
                "hub endpoint heap per session B", "hub share B", "idle RSS per session KB", "hub RSS per session KB");
        report.table(BROADCAST, "server", "subscribers", "broadcasts", "first p50 ms", "last p50 ms",
                "last p99 ms", "last max ms", "lost", "server CPU us/delivery", "threads (share of the work)");
        report.table(STORM, "server", "clients", "reconnect", "99 % back s", "50 % back s", "back", "connect failures",
                "peak heap in use MB (polled, no GC)", "peak RSS MB", "sessions after = N+1", "broadcast after reaches");
        report.table(CHAT, "server", "connections", "rooms", "seconds", "p50 ms", "p99 ms", "max ms", "expected",
                "received", "lost", "server cores", "server CPU us/delivery");
        report.table(CURVE, "server", "connections", "heap after GC MB", "RSS MB", "heap per conn B",
                "RSS per conn KB", "last p50 ms", "last p99 ms", "lost", "server CPU us/delivery");
        report.table(CLASSES, "server", "connections", "class", "bytes per conn", "instances per conn",
                "share of the growth");
    }

    /**
     * Each memory measurement on a fresh server process, then the storm and the chat on one more; the steps of
     * {@code -Dscale.steps} only. A step that fails is noted and the next one starts on a fresh server.
     */
    void all() throws Exception {
        List<String> steps = run.steps();
        if (steps.contains("memory")) {
            for (int n : run.counts()) {
                guarded("memory and broadcast, " + n, () -> {
                    t = run.freshServer(kind);
                    memoryAndBroadcast(n);
                });
                if (kind.equals("SyncHub")) { // the hub-share endpoints (/idle) are on the SyncHub servers
                    guarded("hub share, " + n, () -> {
                        t = run.freshServer(kind);
                        hubShare(n);
                    });
                }
            }
        }
        if (steps.contains("storm")) {
            guarded("storm", () -> {
                t = run.freshServer(kind);
                storm(run.stormClients());
            });
        }
        if (steps.contains("curve")) {
            guarded("curve", this::curve);
        }
        if (steps.contains("chat")) {
            guarded("chat", () -> {
                t = run.freshServer(kind);
                chat(run.chatClients());
            });
        }
    }

    /** A step that may fail. */
    private interface Step {
        void run() throws Exception;
    }

    private void guarded(String what, Step step) throws Exception {
        try {
            step.run();
        } catch (Exception e) {
            e.printStackTrace();
            report.note("FAILED: " + kind + ", " + what + ": " + e);
            run.all("CLOSE", "OK");
        }
    }

    private void memoryAndBroadcast(int n) throws Exception {
        report.step(t.name() + ": memory, " + n + " idle subscribed connections");
        long[] before = run.mem(t);
        report.note("  connect: " + run.connect(n, 0, 0, t.base() + "/chat/bench"));
        if (!run.awaitSessions(t, n, 120)) {
            throw new IllegalStateException(t.name() + " did not reach " + n + " sessions: " + t.server().sessions());
        }
        long[] after = run.mem(t);
        report.row(MEMORY, t.name(), "" + n, mb(before[0]), mb(after[0]), f1((after[0] - before[0]) / 1024.0 / n),
                mb(before[1]), mb(after[1]), f0((after[1] - before[1]) / (double) n));
        broadcast(n);
        run.closeAll(t);
    }

    /**
     * The hub's share in two fresh processes, idle sessions first in one and hub sessions first in the other, each
     * on top of up to {@value #WARM_SESSIONS} warm-up sessions opened before the baseline: a one-time cost of the
     * container's first sessions (lazy initialisation, Payara's showed as a negative share) falls in the warm-up, and
     * what is left lands in the first kind connected, so it counts once against each kind and the mean cancels it.
     */
    private void hubShare(int n) throws Exception {
        int half = n / 2;
        double[] idleFirst = hubShareOnce(half, true);
        t = run.freshServer(kind);
        double[] hubFirst = hubShareOnce(half, false);
        double idlePer = (idleFirst[0] + hubFirst[0]) / 2;
        double hubPer = (idleFirst[1] + hubFirst[1]) / 2;
        report.row(HUB_SHARE, t.name(), "" + half, f0(idlePer), f0(hubPer),
                f0(hubPer - idlePer) + " (idle first " + f0(idleFirst[1] - idleFirst[0]) + ", hub first "
                        + f0(hubFirst[1] - hubFirst[0]) + ")",
                f1((idleFirst[2] + hubFirst[2]) / 2), f1((idleFirst[3] + hubFirst[3]) / 2));
    }

    /** Idle sessions opened (and kept) before a hub-share baseline, where the fd limit leaves room. */
    private static final int WARM_SESSIONS = 2_000;

    /** @return {idle heap per session, hub heap per session, idle RSS KB per session, hub RSS KB per session} */
    private double[] hubShareOnce(int half, boolean idleFirst) throws Exception {
        report.step(t.name() + ": hub share, " + half + (idleFirst ? " idle-endpoint sessions then " + half
                + " hub sessions" : " hub sessions then " + half + " idle-endpoint sessions"));
        // warm-up sessions stay open below the baseline, so that the container's lazy start-up is not counted
        int warm = Math.max(0, Math.min(WARM_SESSIONS, run.fdRoom() - 2 * half));
        if (warm > 0) {
            run.connect(warm, 0, 0, t.base() + "/idle/warm");
            run.awaitSessions(t, warm, 120);
        }
        long[] base = run.mem(t);
        run.connect(half, warm, 0, t.base() + (idleFirst ? "/idle/x" : "/chat/share"));
        run.awaitSessions(t, warm + half, 120);
        long[] first = run.mem(t);
        run.connect(half, warm + half, 0, t.base() + (idleFirst ? "/chat/share" : "/idle/x"));
        run.awaitSessions(t, warm + 2L * half, 120);
        long[] second = run.mem(t);
        run.closeAll(t);
        double firstHeap = (first[1] - base[1]) / (double) half;
        double secondHeap = (second[1] - first[1]) / (double) half;
        double firstRss = (first[0] - base[0]) / 1024.0 / half;
        double secondRss = (second[0] - first[0]) / 1024.0 / half;
        return idleFirst ? new double[] {firstHeap, secondHeap, firstRss, secondRss}
                : new double[] {secondHeap, firstHeap, secondRss, firstRss};
    }

    /** One broadcast: arms every generator, publishes, waits until {@code n} arrived; {first, last, count} in ns. */
    private long[] broadcastOnce(int n, int timeoutSeconds) throws Exception {
        long id = ++broadcastIds;
        run.all("BARM " + id, "OK");
        Proc pub = run.generators().get(0);
        long sent = Long.parseLong(pub.call("BCAST " + id, "OK", 30_000).split(" ")[1]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            long count = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (String line : run.all("BSTAT", "BSTAT")) {
                String[] f = line.split(" ");
                count += Long.parseLong(f[1]);
                first = Math.min(first, Long.parseLong(f[2]));
                last = Math.max(last, Long.parseLong(f[3]));
            }
            if (count >= n || System.nanoTime() > deadline) {
                return new long[] {first - sent, last - sent, count};
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    private void broadcast(int n) throws Exception {
        report.step(t.name() + ": broadcast to " + n);
        run.generators().get(0).call("PUB " + t.base() + "/chat/bench", "OK", 60_000);
        run.awaitSessions(t, n + 1L, 60);
        Broadcasts b = broadcasts(n, run.broadcasts());
        report.row(BROADCAST, t.name(), "" + n, "" + run.broadcasts(), ms(b.first.getValueAtPercentile(50)),
                ms(b.last.getValueAtPercentile(50)), ms(b.last.getValueAtPercentile(99)), ms(b.last.getMaxValue()),
                "" + b.lost, f2(b.cpuMicrosPerDelivery), b.spread);
    }

    /** What {@link #broadcasts} measured: first and last arrival (µs), messages lost, CPU, how it was spread. */
    private record Broadcasts(Histogram first, Histogram last, long lost, double cpuMicrosPerDelivery,
                              String spread) {
    }

    /** Warm-up broadcasts (unmeasured: the JIT compiles the fan-out path), then {@code count} measured ones. */
    private Broadcasts broadcasts(int n, int count) throws Exception {
        for (int i = 0; i < Math.max(5, count / 2); i++) {
            broadcastOnce(n, 30);
        }
        Histogram first = new Histogram(3);
        Histogram last = new Histogram(3);
        long lost = 0;
        long cpu0 = Proc.cpuMillis(t.server().pid());
        ThreadCpu threads0 = ThreadCpu.of(t.server().pid());
        for (int i = 0; i < count; i++) {
            long[] r = broadcastOnce(n, 30);
            first.recordValue(Math.max(0, r[0] / 1000));
            last.recordValue(Math.max(0, r[1] / 1000));
            lost += n - r[2];
        }
        long cpuMs = Proc.cpuMillis(t.server().pid()) - cpu0;
        return new Broadcasts(first, last, lost, cpuMs * 1000.0 / ((long) count * n),
                ThreadCpu.of(t.server().pid()).spreadSince(threads0, 4));
    }

    /**
     * The curve: one fresh server process, connections added step by step up to each count of
     * {@code -Dscale.curve}; at each count its heap after GC and RSS, and {@value #CURVE_BROADCASTS} broadcasts to
     * every connection. Rows of {@link #CURVE}, and the plots ({@link ScalePlots}).
     */
    private void curve() throws Exception {
        t = run.freshServer(kind);
        long[] base = run.mem(t);
        ClassHistogram classesBefore = kind.equals("crossws") ? null : ClassHistogram.of(t.server().pid());
        int connected = 0;
        for (int n : run.curveCounts()) {
            report.step(t.name() + ": curve, " + n + " connections");
            run.connect(n - connected, connected, 0, t.base() + "/chat/bench");
            long publisher = connected == 0 ? 0 : 1;
            connected = n;
            if (!run.awaitSessions(t, n + publisher, 120)) {
                throw new IllegalStateException(t.name() + " did not reach " + n + " sessions: "
                        + t.server().sessions());
            }
            long[] m = run.mem(t);
            if (publisher == 0) {
                run.generators().get(0).call("PUB " + t.base() + "/chat/bench", "OK", 60_000);
                run.awaitSessions(t, n + 1L, 60);
            }
            if (classesBefore != null && n == run.curveCounts()[run.curveCounts().length - 1]) {
                for (String[] row : ClassHistogram.of(t.server().pid()).growthPer(classesBefore, n, 12)) {
                    report.row(CLASSES, t.name(), "" + n, row[0], row[1], row[2], row[3]);
                }
            }
            Broadcasts b = broadcasts(n, CURVE_BROADCASTS);
            report.row(CURVE, t.name(), "" + n, mb(m[1]), mb(m[0]), f0((m[1] - base[1]) / (double) n),
                    f1((m[0] - base[0]) / 1024.0 / n), ms(b.last.getValueAtPercentile(50)),
                    ms(b.last.getValueAtPercentile(99)), "" + b.lost, f2(b.cpuMicrosPerDelivery));
        }
        run.closeAll(t);
    }

    private static final int CURVE_BROADCASTS = 10;

    private void storm(int n) throws Exception {
        report.step(t.name() + ": reconnect storm, " + n + " clients");
        report.note("  connect: " + run.connect(n, 0, 0, t.base() + "/chat/storm"));
        run.generators().get(0).call("PUB " + t.base() + "/chat/storm", "OK", 60_000);
        if (!run.awaitSessions(t, n + 1L, 120)) {
            throw new IllegalStateException(t.name() + ": storm clients did not all connect");
        }
        for (String mode : List.of("backoff", "none")) {
            run.generators().get(0).call("PROBE on", "OK", 10_000);
            report.step(t.name() + ": storm, drop all " + n + ", reconnect with " + (mode.equals("none")
                    ? "no backoff" : "jittered exponential backoff"));
            run.all("DROP", "OK");
            run.all("RECONNECT " + mode, "OK");
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(180);
            long peakRss = 0;
            long peakHeap = 0;
            long unanswered = 0;
            long failures = 0;
            long recovered = 0;
            while (System.nanoTime() < deadline) {
                long[] s = run.stat(t);
                if (s == null) {
                    unanswered++;
                } else {
                    peakRss = Math.max(peakRss, s[0]);
                    peakHeap = Math.max(peakHeap, s[1]);
                }
                recovered = 0;
                failures = 0;
                for (String line : run.all("RSTAT", "RSTAT")) {
                    String[] f = line.split(" ");
                    recovered += Long.parseLong(f[1]);
                    failures += Long.parseLong(f[3]);
                }
                if (recovered >= n) {
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            // the probes (10 a second to every client) stop before the checks, so that no backlog of them delays
            // the check broadcast
            run.generators().get(0).call("PROBE off", "OK", 10_000);
            List<Long> times = new ArrayList<>();
            for (String line : run.all("RTIMES", "RTIMES")) {
                String[] f = line.split(" ");
                if (f.length > 1) {
                    for (String v : f[1].split(",")) {
                        if (!v.isEmpty()) {
                            times.add(Long.parseLong(v));
                        }
                    }
                }
            }
            times.sort(null);
            int i99 = (int) Math.ceil(n * 0.99) - 1;
            int i50 = (int) Math.ceil(n * 0.5) - 1;
            String t99 = times.size() > i99 ? f2(times.get(i99) / 1000.0) : "not reached";
            String t50 = times.size() > i50 ? f2(times.get(i50) / 1000.0) : "not reached";
            if (unanswered > 0) {
                report.note("  " + unanswered + " polls of the server's heap got no answer within 5 s during the storm");
            }
            boolean sessionsRight = run.awaitSessions(t, n + 1L, 60);
            long sessions = t.server().sessions();
            long[] check = broadcastOnce(n, 60);
            report.row(STORM, t.name(), "" + n, mode.equals("none") ? "no backoff" : "backoff, first 0..2 s",
                    t99, t50, times.size() + "/" + n, "" + failures, mb(peakHeap), mb(peakRss),
                    sessionsRight ? "yes" : "no (" + sessions + ")", check[2] + "/" + n);
        }
        run.closeAll(t);
    }

    private void chat(int n) throws Exception {
        int rooms = n / 10;
        long warmupMs = run.quick() ? 3000 : 5000;
        long measureMs = run.quick() ? 10_000 : 30_000;
        report.step(t.name() + ": steady chat, " + n + " connections in " + rooms + " rooms");
        report.note("  connect: " + run.connect(n, 0, rooms, t.base() + "/chat/room"));
        if (!run.awaitSessions(t, n, 120)) {
            throw new IllegalStateException(t.name() + ": chat clients did not all connect");
        }
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        run.all(String.format(Locale.ROOT, "STEADY %d %d %d %d", rooms, start, warmupMs, measureMs), "OK");
        long windowStart = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        long windowEnd = windowStart + TimeUnit.MILLISECONDS.toNanos(measureMs);
        LockSupport.parkNanos(windowStart - System.nanoTime());
        long cpu0 = Proc.cpuMillis(t.server().pid());
        while (System.nanoTime() < windowEnd) {
            LockSupport.parkNanos(windowEnd - System.nanoTime());
        }
        long cpuMs = Proc.cpuMillis(t.server().pid()) - cpu0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long sent;
        long received;
        Histogram latency;
        do {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            sent = 0;
            received = 0;
            latency = new Histogram(3);
            for (String line : run.all("SSTAT", "SSTAT")) {
                String[] f = line.split(" ");
                sent += Long.parseLong(f[1]);
                received += Long.parseLong(f[2]);
                ScaleRun.merge(latency, f.length > 3 ? f[3] : "");
            }
        } while (received < sent * 9 && System.nanoTime() < deadline);
        long expected = sent * 9;
        report.row(CHAT, t.name(), "" + n, "" + rooms, "" + measureMs / 1000, ms(latency.getValueAtPercentile(50)),
                ms(latency.getValueAtPercentile(99)), ms(latency.getMaxValue()), "" + expected, "" + received,
                "" + (expected - received), f2(cpuMs / (double) measureMs),
                f2(received == 0 ? Double.NaN : cpuMs * 1000.0 / received));
        run.closeAll(t);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.2f", micros / 1000.0);
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
