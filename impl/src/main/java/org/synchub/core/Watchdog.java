package org.synchub.core;

import org.synchub.SyncException;
import org.synchub.SyncStage;
import org.synchub.internal.Resources;
import org.synchub.internal.LoopWatch;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The hub's own thread: once a second it checks the driver loops that report their progress through a
 * {@link LoopWatch} and runs the hub's periodic work (self-probe, gap confirmation), and every few seconds it runs
 * the hub's sweep of closed sessions.
 *
 * <p>A loop that has been busy with one unit of input for longer than the stall limit (a decoder that does not
 * terminate, a consumer that blocks) is reported once as {@code SUBSCRIBE} from source {@code "watchdog:<name>"},
 * with the stuck thread's stack trace as the report's stack trace; the incident closes when the loop becomes idle
 * again. A loop that {@linkplain LoopWatch#died died} makes the hub deaf for good: that is kept as
 * {@link #deadCause()} (what a liveness check reads) and reported at once.
 */
final class Watchdog {

    /** The longest pause between two checks. */
    static final long MAX_CHECK_INTERVAL_MS = 1_000;
    static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long DEFAULT_STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final FailureReporter failures;
    private final Runnable sweep;
    private final java.util.function.LongConsumer tick;
    private final long stallNanos;
    private final long checkIntervalMs;
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Throwable deadCause;
    private Thread thread;

    /**
     * @param checkIntervalMs how often to check (at most {@value #MAX_CHECK_INTERVAL_MS} ms), e.g. a quarter of the
     *                        probe interval so that a lost probe is noticed on time
     */
    Watchdog(FailureReporter failures, Runnable sweep, java.util.function.LongConsumer tick, long stallNanos,
             long checkIntervalMs) {
        this.checkIntervalMs = Math.max(20, Math.min(MAX_CHECK_INTERVAL_MS, checkIntervalMs));
        this.failures = failures;
        this.sweep = sweep;
        this.tick = tick;
        this.stallNanos = stallNanos;
    }

    void start(Thread watchdogThread) {
        this.thread = watchdogThread;
        watchdogThread.start();
    }

    /** The body of the watchdog thread. */
    void run() {
        long lastSweep = System.nanoTime();
        try {
            while (!closed.await(checkIntervalMs, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                for (Watch watch : watches) {
                    watch.check(now);
                }
                tick.accept(now);
                if (now - lastSweep >= SWEEP_INTERVAL_NANOS) {
                    lastSweep = now;
                    sweep.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // the watchdog itself must not die silently either
            deadCause = e;
            failures.failure(SyncStage.SUBSCRIBE, "watchdog", e);
        }
    }

    LoopWatch watch(String name) {
        Watch watch = new Watch(name);
        watches.add(watch);
        return watch;
    }

    /** Why the hub can no longer receive (a listener loop died), or null while it can. */
    Throwable deadCause() {
        return deadCause;
    }

    /** Whether some watched loop is stalled now. */
    boolean stalled() {
        return watches.stream().anyMatch(w -> w.stalled);
    }

    void close(long waitMillis) {
        closed.countDown();
        Resources.join(thread, waitMillis);
    }

    private final class Watch implements LoopWatch {
        private final String source;
        private volatile long busySince;
        private volatile Thread worker;
        volatile boolean stalled;

        Watch(String name) {
            this.source = "watchdog:" + name;
        }

        @Override
        public void busy() {
            worker = Thread.currentThread();
            busySince = System.nanoTime() | 1; // never 0, which means idle
        }

        @Override
        public void idle() {
            busySince = 0;
            if (stalled) {
                stalled = false;
                failures.recovered(SyncStage.SUBSCRIBE, source);
            }
        }

        @Override
        public void died(Throwable cause) {
            deadCause = cause != null ? cause : new SyncException(source + " ended");
            failures.failure(SyncStage.SUBSCRIBE, source, new SyncException("the driver loop '" + source
                    + "' has ended and will not restart: this instance receives nothing from the backplane until "
                    + "it is redeployed or restarted", deadCause));
        }

        void check(long now) {
            long since = busySince;
            if (since == 0 || stalled || now - since < stallNanos) {
                return;
            }
            stalled = true;
            Thread stuck = worker;
            SyncException report = new SyncException("the driver thread '" + (stuck == null ? "?" : stuck.getName())
                    + "' (" + source + ") has been handling one frame for "
                    + TimeUnit.NANOSECONDS.toSeconds(now - since) + " s: nothing from the backplane is delivered "
                    + "meanwhile; the stack trace of this report is that thread's");
            if (stuck != null) {
                report.setStackTrace(stuck.getStackTrace());
            }
            failures.failure(SyncStage.SUBSCRIBE, source, report);
        }
    }
}
