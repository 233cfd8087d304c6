package org.synchub.bench.scale;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** CPU ticks of every thread of a process ({@code /proc/<pid>/task/*}), to see how a window's work was spread. */
record ThreadCpu(Map<Long, String> names, Map<Long, Long> ticks) {

    static ThreadCpu of(long pid) {
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long tid = Long.parseLong(task.getFileName().toString());
                    ticks.put(tid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                    names.put(tid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return new ThreadCpu(names, ticks);
    }

    /**
     * The work of each thread since {@code before}, largest first: "name share%" for the top {@code top} threads,
     * and how many threads did more than 10 % of it.
     */
    String spreadSince(ThreadCpu before, int top) {
        List<Map.Entry<Long, Long>> deltas = new ArrayList<>();
        long total = 0;
        for (Map.Entry<Long, Long> e : ticks.entrySet()) {
            long d = e.getValue() - before.ticks.getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                deltas.add(Map.entry(e.getKey(), d));
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
}
