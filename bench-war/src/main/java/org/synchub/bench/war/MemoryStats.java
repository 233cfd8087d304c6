package org.synchub.bench.war;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory figures of the benchmarks' idle-session rows, read the same way by every server (the WARs' stats
 * servlet, the Tyrus standalone servers) and by the orchestrator for other processes. Linux {@code /proc} only;
 * -1 elsewhere. Thread-safe; {@link #heapAfterGc()} blocks for four full collections.
 */
public final class MemoryStats {

    private MemoryStats() {
    }

    /** @return the smallest heap use seen over four {@code System.gc()} calls, in bytes */
    public static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
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
