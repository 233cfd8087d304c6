package org.synchub.bench;

import org.synchub.SyncHub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * What the two-hub PostgreSQL benchmarks ({@link PgsqlBenchmark}, {@link PgsqlHistoryBenchmark}) share: waiting until
 * hub B hears hub A, the median of the rounds, and the machine's load average. Static helpers without state; each
 * call is safe from any thread as far as the hubs it is given are.
 */
final class BenchHubs {

    private BenchHubs() {
    }

    /**
     * Publishes a probe on {@code a} every 50 ms until {@code b} counts a received message (its listener is live),
     * then lets the probes in flight settle for 200 ms.
     *
     * @throws IllegalStateException when B hears nothing within 30 seconds
     */
    static void waitRelayed(SyncHub a, SyncHub b) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long before = b.counters().received();
        while (b.counters().received() == before) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("hub B never heard hub A");
            }
            a.publish("probe", "probe");
            Thread.sleep(50);
        }
        Thread.sleep(200);
    }

    /** @return the median of {@code values} (the upper one of an even count) */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** @return the 1-minute load average from {@code /proc/loadavg} (other processes skew figures a lot), or n/a */
    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
