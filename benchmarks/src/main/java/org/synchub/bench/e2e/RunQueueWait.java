package org.synchub.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A snapshot of the time the threads of some processes have spent runnable but waiting for a core (the second field
 * of {@code /proc/<pid>/task/<tid>/schedstat}), kept per thread. On a machine with more runnable threads than cores
 * this is where a step's "missing" time goes: a process that uses little CPU may still have been starved of it.
 *
 * <p>The wait over an interval is the sum, over the threads alive at its end, of what each added since the first
 * snapshot (a thread started in between counts from zero). A thread that ended in between is missing from the end
 * snapshot and its share is lost, so the figure is a lower bound, never negative. Subtracting two process-wide sums
 * instead, as the benchmark once did, goes negative whenever a server's pool retires threads during a step: their
 * whole past wait leaves the second sum. Immutable; thread-safe.
 */
final class RunQueueWait {

    private final Map<Long, Long> nanosByThread;
    private final boolean available;

    private RunQueueWait(Map<Long, Long> nanosByThread, boolean available) {
        this.nanosByThread = nanosByThread;
        this.available = available;
    }

    /** @return the live threads' wait so far, of every process given; unavailable without /proc or schedstats */
    static RunQueueWait of(long... pids) {
        Map<Long, Long> nanos = new HashMap<>();
        for (long pid : pids) {
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String[] f = Files.readString(task.resolve("schedstat")).trim().split(" ");
                        nanos.put(Long.parseLong(task.getFileName().toString()), Long.parseLong(f[1]));
                    } catch (IOException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException | RuntimeException e) {
                return new RunQueueWait(Map.of(), false);
            }
        }
        return new RunQueueWait(nanos, true);
    }

    /** A snapshot of given per-thread waits, in nanoseconds by thread id (for tests). */
    static RunQueueWait of(Map<Long, Long> nanosByThread) {
        return new RunQueueWait(Map.copyOf(nanosByThread), true);
    }

    /**
     * @param earlier a snapshot of the same processes taken before this one
     * @return milliseconds waited between the two snapshots by the threads alive now (at least 0), or -1 if either
     *         snapshot is unavailable
     */
    long millisSince(RunQueueWait earlier) {
        if (!available || !earlier.available) {
            return -1;
        }
        long nanos = 0;
        for (Map.Entry<Long, Long> thread : nanosByThread.entrySet()) {
            long then = earlier.nanosByThread.getOrDefault(thread.getKey(), 0L);
            long now = thread.getValue();
            // less than before: the thread id was reused by a new thread, whose wait starts from zero
            nanos += now >= then ? now - then : now;
        }
        return nanos / 1_000_000;
    }
}
