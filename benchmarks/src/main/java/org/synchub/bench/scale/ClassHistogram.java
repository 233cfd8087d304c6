package org.synchub.bench.scale;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM's live heap by class ({@code jcmd <pid> GC.class_histogram}, which collects first), to say what a
 * connection's heap is made of: the difference of two histograms divided by the connections opened between them.
 *
 * @param byClass instances and bytes by class name
 */
record ClassHistogram(Map<String, long[]> byClass) {

    /**
     * Takes the histogram of a running JVM.
     *
     * @param pid the JVM
     * @return its live objects by class
     * @throws IOException          when jcmd cannot be run or fails
     * @throws InterruptedException when interrupted while waiting for jcmd
     */
    static ClassHistogram of(long pid) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + out);
        }
        Map<String, long[]> byClass = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":") && f[0].length() > 1 && Character.isDigit(f[0].charAt(0))) {
                byClass.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        return new ClassHistogram(byClass);
    }

    /**
     * The classes that grew most since {@code before}, per connection.
     *
     * @param before      the histogram before the connections were opened
     * @param connections how many were opened in between
     * @param top         how many classes to give
     * @return rows of {class, bytes per connection, instances per connection, share of the growth}, largest first
     */
    List<String[]> growthPer(ClassHistogram before, int connections, int top) {
        Map<String, long[]> growth = new HashMap<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : byClass.entrySet()) {
            long[] b = before.byClass.getOrDefault(e.getKey(), new long[2]);
            long bytes = e.getValue()[1] - b[1];
            if (bytes > 0) {
                growth.put(e.getKey(), new long[] {e.getValue()[0] - b[0], bytes});
                total += bytes;
            }
        }
        long all = Math.max(1, total);
        return growth.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(top)
                .map(e -> new String[] {"`" + e.getKey() + "`",
                    String.format(Locale.ROOT, "%.0f", e.getValue()[1] / (double) connections),
                    String.format(Locale.ROOT, "%.1f", e.getValue()[0] / (double) connections),
                    String.format(Locale.ROOT, "%.1f%%", 100.0 * e.getValue()[1] / all)})
                .toList();
    }
}
