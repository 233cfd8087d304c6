package org.synchub.bench.e2e;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * User and system (kernel) CPU ticks of every thread of a process ({@code /proc/<pid>/task/*}), read twice to see how
 * a window's work was spread over the threads. Threads that ended between the readings are missing from both sides.
 *
 * @param names each thread's name by thread id
 * @param user  user-mode ticks by thread id
 * @param system kernel-mode ticks by thread id (socket writes and reads are mostly here)
 */
public record ThreadCpu(Map<Long, String> names, Map<Long, Long> user, Map<Long, Long> system) {

    private static final double TICK_MS = 10; // USER_HZ is 100 on Linux

    /**
     * Reads every thread of a process.
     *
     * @param pid the process
     * @return its threads' ticks now; empty where there is no {@code /proc}
     */
    public static ThreadCpu of(long pid) {
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> user = new HashMap<>();
        Map<Long, Long> system = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long tid = Long.parseLong(task.getFileName().toString());
                    user.put(tid, Long.parseLong(f[11]));
                    system.put(tid, Long.parseLong(f[12]));
                    names.put(tid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return new ThreadCpu(names, user, system);
    }

    /**
     * A thread's name with its digits folded, so that the threads of one pool count together.
     *
     * @param name a thread's name, or null
     * @return the name of its group
     */
    public static String group(String name) {
        return name == null ? "?" : name.replaceAll("[0-9]+", "N");
    }

    /** The JIT compiler's and JFR's threads: the measurement's and the warm-up's, not the server's work. */
    private static boolean tooling(String name) {
        return name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") || name.startsWith("JFR ");
    }

    private long total(long tid) {
        return user.getOrDefault(tid, 0L) + system.getOrDefault(tid, 0L);
    }

    /**
     * The work of each thread since {@code before}, largest first: "name share%" for the top {@code top} threads,
     * and how many threads did more than 10 % of it.
     *
     * @param before the earlier reading of the same process
     * @param top    how many threads to name
     * @return one line
     */
    public String spreadSince(ThreadCpu before, int top) {
        List<Map.Entry<Long, Long>> deltas = new ArrayList<>();
        long total = 0;
        for (Long tid : names.keySet()) {
            long d = total(tid) - before.total(tid);
            if (d > 0) {
                deltas.add(Map.entry(tid, d));
                total += d;
            }
        }
        deltas.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        StringBuilder out = new StringBuilder();
        int over10 = 0;
        for (int i = 0; i < deltas.size(); i++) {
            double share = deltas.get(i).getValue() * 100.0 / total;
            if (share > 10) {
                over10++;
            }
            if (i < top) {
                out.append(i == 0 ? "" : ", ").append(names.get(deltas.get(i).getKey()))
                        .append(String.format(Locale.ROOT, " %.0f%%", share));
            }
        }
        return over10 + " threads > 10 % (" + out + ")";
    }

    /**
     * A Markdown section: the process's user and system CPU since {@code before}, per delivery, and by thread group
     * (thread names with their digits folded, so a pool's threads count together).
     *
     * @param before     the earlier reading of the same process
     * @param deliveries the messages the process delivered to its subscribers in the window
     * @return the section
     */
    public String table(ThreadCpu before, long deliveries) {
        Map<String, long[]> groups = new HashMap<>();
        long userTotal = 0;
        long systemTotal = 0;
        long userTooling = 0;
        long systemTooling = 0;
        for (Long tid : names.keySet()) {
            long u = user.get(tid) - before.user.getOrDefault(tid, 0L);
            long s = system.get(tid) - before.system.getOrDefault(tid, 0L);
            if (u + s > 0) {
                long[] g = groups.computeIfAbsent(group(names.get(tid)), k -> new long[3]);
                g[0] += u;
                g[1] += s;
                g[2]++;
                userTotal += u;
                systemTotal += s;
                if (tooling(names.get(tid))) {
                    userTooling += u;
                    systemTooling += s;
                }
            }
        }
        double d = Math.max(1, deliveries);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "## CPU of the process over the run "
                + "(/proc, user / system)%n%nuser %.0f ms, system %.0f ms over %d deliveries: %.2f µs user + %.2f µs "
                + "system = %.2f µs per delivery; without the JIT compiler's and JFR's threads %.2f µs user + %.2f "
                + "µs system = %.2f µs.%n%n| threads | count | user ms | system ms | share |%n"
                + "|---|---:|---:|---:|---:|%n", userTotal * TICK_MS, systemTotal * TICK_MS, deliveries,
                userTotal * TICK_MS * 1000 / d, systemTotal * TICK_MS * 1000 / d,
                (userTotal + systemTotal) * TICK_MS * 1000 / d, (userTotal - userTooling) * TICK_MS * 1000 / d,
                (systemTotal - systemTooling) * TICK_MS * 1000 / d,
                (userTotal + systemTotal - userTooling - systemTooling) * TICK_MS * 1000 / d));
        long all = Math.max(1, userTotal + systemTotal);
        groups.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1],
                a.getValue()[0] + a.getValue()[1])).limit(15).forEach(e -> out.append(String.format(Locale.ROOT,
                "| `%s` | %d | %.0f | %.0f | %.1f%% |%n", e.getKey(), e.getValue()[2], e.getValue()[0] * TICK_MS,
                e.getValue()[1] * TICK_MS, 100.0 * (e.getValue()[0] + e.getValue()[1]) / all)));
        return out.append('\n').toString();
    }
}
