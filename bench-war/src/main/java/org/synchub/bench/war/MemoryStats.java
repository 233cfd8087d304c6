package org.synchub.bench.war;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory figures of the benchmarks' idle-session rows, read the same way by every server (the WARs' stats
 * servlet, the Tyrus standalone servers) and by the orchestrator for other processes. Linux {@code /proc} only;
 * -1 elsewhere. Thread-safe; {@link #heapAfterGc()} blocks for several full collections.
 */
public final class MemoryStats {

    private MemoryStats() {
    }

    /**
     * The heap in use after full collections: {@code System.gc()} is repeated (3 to 20 times) until two successive
     * readings differ by less than 0.5 %, and the smallest reading is returned, so that a collection that left
     * floating garbage or a concurrent allocation burst does not count.
     *
     * @return the smallest heap use seen, in bytes
     */
    public static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long min = Long.MAX_VALUE;
        long previous = -1;
        for (int i = 0; i < 20; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            min = Math.min(min, used);
            if (i >= 2 && previous > 0 && Math.abs(used - previous) < previous * 0.005) {
                break;
            }
            previous = used;
        }
        return min;
    }

    /** @return the heap in use now, without a collection (cheap; for polling) */
    public static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * @param pid a process id
     * @return its VmRSS in bytes, from /proc/&lt;pid&gt;/status; -1 where there is no /proc
     */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** @return this process's VmRSS in bytes, -1 where there is no /proc */
    public static long rssBytes() {
        return rssBytes(ProcessHandle.current().pid());
    }
}
