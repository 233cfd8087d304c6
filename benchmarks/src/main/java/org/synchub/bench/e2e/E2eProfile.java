package org.synchub.bench.e2e;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code -Dprofile=true}: runs the SyncHub cluster alone at (or near) its saturation rate with JFR recording on
 * server A, then summarises into {@code benchmarks/results/<UTC date>/e2e-profile[-container].md}: server A's CPU per
 * delivery and its threads' user and system (kernel) CPU over the recording, the execution samples by layer
 * (SyncHub, Tyrus, Grizzly, Undertow, the container, the JDK) and by frame, and the allocation samples.
 * {@code -Dprofile.subscribers} (100), {@code -Dprofile.payload} (100), {@code -Dprofile.rate} (found by a short sweep
 * when absent; give the same rate to compare containers), {@code -Dprofile.seconds} (15),
 * {@code -Dprofile.sampleMillis} (Java sampling period, 2; JFR's {@code profile} setting uses 10),
 * {@code -Dprofile.warmupSeconds} (20: the same load, unrecorded, before the recording).
 */
final class E2eProfile {

    private final E2eRun run;

    E2eProfile(E2eRun run) {
        this.run = run;
    }

    void run() throws Exception {
        int n = Integer.getInteger("profile.subscribers", 100);
        int payload = Integer.getInteger("profile.payload", 100);
        int seconds = Integer.getInteger("profile.seconds", 15);
        run.setUp(false);
        E2eRun.Cluster cluster = run.clusters.get(run.synchub);
        run.note(run.generator.call(String.join(" ", "CONNECT", cluster.group(), "" + n, "/chat/bench",
                cluster.url(0), cluster.url(1)), "OK", 180_000));
        double rate;
        if (System.getProperty("profile.rate") != null) {
            rate = Double.parseDouble(System.getProperty("profile.rate"));
        } else {
            rate = Math.max(2, 2000.0 / n);
            double pass = 0;
            for (int i = 0; i < 20; i++) {
                if (!run.step(cluster, n, payload, rate).passed() && !run.step(cluster, n, payload, rate).passed()) {
                    break; // failed twice in a row
                }
                pass = rate;
                rate *= 1.5;
            }
            rate = pass > 0 ? pass : rate;
        }
        Path jfr = run.logs.resolve("synchub-a" + run.container.suffix() + ".jfr").toAbsolutePath();
        Files.deleteIfExists(jfr);
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        long pid = cluster.a().pid();
        int warmup = Integer.getInteger("profile.warmupSeconds", 20);
        if (warmup > 0) { // the same load unrecorded first, so that the JIT's compiling is not in the profile
            run.generator.call("ENSURE " + cluster.group(), "OK", 180_000);
            run.note("warm-up: " + run.generator.call(String.format(Locale.ROOT, "RUN %s %.3f %d %d %d %d",
                    cluster.group(), rate, payload, 1000, warmup * 1000L, 3000), "RESULT", 300_000));
        }
        exec(jcmd, "" + pid, "JFR.start", "name=e2e", "settings=" + settings(run.logs));
        run.generator.call("ENSURE " + cluster.group(), "OK", 180_000);
        ThreadCpu before = ThreadCpu.of(pid);
        String line = run.generator.call(String.format(Locale.ROOT, "RUN %s %.3f %d %d %d %d", cluster.group(), rate,
                payload, 1000, seconds * 1000L, 3000), "RESULT", 300_000);
        ThreadCpu after = ThreadCpu.of(pid);
        exec(jcmd, "" + pid, "JFR.dump", "name=e2e", "filename=" + jfr);
        exec(jcmd, "" + pid, "JFR.stop", "name=e2e");
        run.note("profiled at " + rate + " publishes/s: " + line);
        String summary = summarise(jfr, n, payload, rate, line, run.container.label())
                + after.table(before, Long.parseLong(E2eRun.resultFields(line).get("received")) / 2);
        Path out = run.results.resolve("e2e-profile" + run.container.suffix() + ".md");
        Files.writeString(out, summary);
        System.out.println(summary);
        System.out.println("[e2e] wrote " + out + " (recording: " + jfr + ")");
    }

    /**
     * JFR's {@code profile} settings with Java sampling every {@code -Dprofile.sampleMillis} ms: at the default 10 ms
     * a 15 s recording holds only a few hundred samples of the busy threads.
     */
    private static String settings(Path dir) throws IOException {
        Path profile = Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc");
        String jfc = Files.readString(profile).replace(
                "<setting name=\"period\" control=\"method-sampling-java-interval\">10 ms</setting>",
                "<setting name=\"period\" control=\"method-sampling-java-interval\">"
                        + Integer.getInteger("profile.sampleMillis", 2) + " ms</setting>");
        Path out = dir.resolve("profile-sampling.jfc").toAbsolutePath();
        Files.writeString(out, jfc);
        return out.toString();
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    static String summarise(Path jfr, int n, int payload, double rate, String result, String container)
            throws IOException {
        Map<String, Long> leaf = new HashMap<>();
        Map<String, Long> leafLayer = new HashMap<>();
        Map<String, Long> byThread = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> synchubInclusive = new HashMap<>();
        Map<String, Long> allocByFrame = new HashMap<>();
        Map<String, Long> allocByClass = new HashMap<>();
        long samples = 0;
        long gcCount = 0;
        long gcPauseMicros = 0;
        long gcMaxPauseMicros = 0;
        long nativeSamples = 0;
        Map<String, Long> nativeSites = new HashMap<>();
        long allocWeight = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.GarbageCollection")) {
                long pauseMicros = event.getDuration("sumOfPauses").toNanos() / 1000;
                gcCount++;
                gcPauseMicros += pauseMicros;
                gcMaxPauseMicros = Math.max(gcMaxPauseMicros, pauseMicros);
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            if (frames.stream().anyMatch(f -> name(f).startsWith("jdk.jfr."))) {
                continue; // the recorder's own work (started by jcmd), not the server's
            }
            if (type.equals("jdk.ExecutionSample")) {
                samples++;
                leaf.merge(name(frames.get(0)), 1L, Long::sum);
                leafLayer.merge(layer(frames), 1L, Long::sum);
                byThread.merge(ThreadCpu.group(event.getThread("sampledThread") == null ? "?"
                        : event.getThread("sampledThread").getJavaName()), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String name = name(frame);
                    if (seen.add(name)) {
                        inclusive.merge(name, 1L, Long::sum);
                        if (name.startsWith("org.synchub.")) {
                            synchubInclusive.merge(name, 1L, Long::sum);
                        }
                    }
                }
            } else if (type.equals("jdk.NativeMethodSample")) {
                nativeSamples++;
                String site = name(frames.get(0));
                for (RecordedFrame frame : frames) {
                    if (!frame.getMethod().getType().getName().startsWith("sun.nio.")
                            && !frame.getMethod().getType().getName().startsWith("java.")) {
                        site = name(frame) + " (in " + name(frames.get(0)) + ")";
                        break;
                    }
                }
                nativeSites.merge(site, 1L, Long::sum);
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                long weight = event.getLong("weight");
                allocWeight += weight;
                allocByClass.merge(event.getClass("objectClass").getName(), weight, Long::sum);
                String site = name(frames.get(0));
                for (RecordedFrame frame : frames) {
                    if (name(frame).startsWith("org.synchub.")) {
                        site = name(frame) + " (via " + name(frames.get(0)) + ")";
                        break;
                    }
                }
                allocByFrame.merge(site, weight, Long::sum);
            }
        }
        StringBuilder out = new StringBuilder("# JFR profile of a SyncHub server (" + container + ")\n\n");
        out.append(String.format(Locale.ROOT, "Server A of the SyncHub cluster, %d subscribers (half on each server), "
                + "%d B payload, %.1f publishes/s (%.0f deliveries/s offered); JFR `settings=profile`.%n%n"
                + "Generator result: `%s`%n%n", n, payload, rate, rate * n, result));
        out.append(String.format(Locale.ROOT, "GC (whole recording): %d collections, %.1f ms paused in total, longest "
                + "pause %.1f ms.%n%n", gcCount, gcPauseMicros / 1000.0, gcMaxPauseMicros / 1000.0));
        table(out, "Self time by layer (execution samples, " + samples + " total; a sample counts for the first "
                + "non-JDK frame from the leaf up, or JDK when the whole stack is the JDK's)", leafLayer, samples, 12);
        table(out, "Execution samples by thread (digits in names folded)", byThread, samples, 15);
        table(out, "Top frames by self time (execution samples, " + samples + " total)", leaf, samples, 25);
        table(out, "Top SyncHub frames, inclusive", synchubInclusive, samples, 20);
        table(out, "Top frames, inclusive", inclusive, samples, 40);
        table(out, "Threads in native code (socket reads/writes, waits; " + nativeSamples + " samples), by first "
                + "non-JDK frame", nativeSites, nativeSamples, 15);
        table(out, "Allocation by class (sampled weight)", allocByClass, allocWeight, 15);
        table(out, "Allocation by first SyncHub frame (sampled weight)", allocByFrame, allocWeight, 20);
        return out.toString();
    }

    private static void table(StringBuilder out, String title, Map<String, Long> counts, long total, int limit) {
        out.append("## ").append(title).append("\n\n| share | count | frame |\n|---:|---:|---|\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> out.append(String.format(Locale.ROOT, "| %.1f%% | %d | `%s` |%n",
                        100.0 * e.getValue() / Math.max(1, total), e.getValue(), e.getKey())));
        out.append('\n');
    }

    /** The layer a sample's time is spent for: its first frame from the leaf up that is not the JDK's. */
    static String layer(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.")
                    || type.startsWith("sun.") || type.startsWith("com.sun.crypto.")) {
                continue;
            }
            for (String[] prefix : LAYERS) {
                if (type.startsWith(prefix[0])) {
                    return prefix[1];
                }
            }
            return "other (" + type.substring(0, Math.max(0, type.lastIndexOf('.'))) + ")";
        }
        return "JDK (whole stack)";
    }

    private static final String[][] LAYERS = {
        {"org.synchub.bench.", "benchmark endpoint"},
        {"org.synchub.", "SyncHub"},
        {"org.glassfish.tyrus.", "Tyrus"},
        {"org.glassfish.grizzly.", "Grizzly"},
        {"io.undertow.", "Undertow"},
        {"org.xnio.", "XNIO"},
        {"redis.clients.", "Jedis"},
        {"org.apache.commons.pool2.", "Jedis (commons-pool)"},
        {"fish.payara.", "Payara"},
        {"com.sun.enterprise.", "Payara (GlassFish core)"},
        {"org.glassfish.", "Payara (GlassFish modules)"},
        {"org.jboss.weld.", "Weld (CDI)"},
        {"org.jboss.", "WildFly (JBoss modules)"},
        {"org.wildfly.", "WildFly"},
        {"jakarta.", "Jakarta API"},
    };

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}

