package org.synchub.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RunQueueWaitTest {

    private static final long MS = 1_000_000;

    @Test
    void eachThreadCountsWhatItAddedAndAThreadThatEndedCountsNothing() {
        RunQueueWait before = RunQueueWait.of(Map.of(1L, 100 * MS, 2L, 5_000 * MS, 3L, 40 * MS));
        // thread 2 ended (its 5 s of past wait must not be subtracted), thread 4 is new
        RunQueueWait after = RunQueueWait.of(Map.of(1L, 130 * MS, 3L, 50 * MS, 4L, 7 * MS));

        assertEquals(30 + 10 + 7, after.millisSince(before));
    }

    @Test
    void aReusedThreadIdCountsFromZero() {
        RunQueueWait before = RunQueueWait.of(Map.of(9L, 800 * MS));
        RunQueueWait after = RunQueueWait.of(Map.of(9L, 20 * MS));

        assertEquals(20, after.millisSince(before));
    }

    @Test
    void threadsOfARealProcessThatEndBetweenSnapshotsDoNotMakeTheWaitNegative() throws Exception {
        long pid = ProcessHandle.current().pid();
        RunQueueWait baseline = RunQueueWait.of(pid);
        assumeTrue(baseline.millisSince(baseline) == 0, "needs /proc/<pid>/task/<tid>/schedstat");
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> spinners = new ArrayList<>();
        for (int i = 0; i < 3 * Runtime.getRuntime().availableProcessors(); i++) {
            Thread spinner = new Thread(() -> {
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            });
            spinner.start();
            spinners.add(spinner);
        }
        // more spinning threads than cores: they queue for a core until they have waited 300 ms between them
        RunQueueWait whileSpinning;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            Thread.sleep(10);
            whileSpinning = RunQueueWait.of(pid);
        } while (whileSpinning.millisSince(baseline) < 300 && System.nanoTime() < deadline);
        stop.set(true);
        for (Thread spinner : spinners) {
            spinner.join();
        }
        long waited = whileSpinning.millisSince(baseline);
        assertTrue(waited >= 300, "the spinners waited only " + waited + " ms for a core");

        long sinceSpinning = RunQueueWait.of(pid).millisSince(whileSpinning);

        assertTrue(sinceSpinning >= 0, "wait after the spinners ended: " + sinceSpinning + " ms");
    }
}
