package org.synchub.core;

import org.synchub.SyncFailure;
import org.synchub.SyncStage;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Counts every failure and decides which ones are reported. The incident model, the one place it is defined:
 *
 * <ul>
 * <li><b>What an incident is.</b> A pair (stage, source). Sources name the part that failed: {@code "driver"} for
 * the driver's connection (subscribe loop, publisher), {@code "relay-queue"} for the relay queue's overflow,
 * {@code "frames"} for malformed frames from the backplane, {@code "fan-in"} for an exception thrown while handing
 * a received message to the hub, {@code "watchdog"} for a stalled or dead listener thread, a session's id for that
 * session's {@code DELIVERY}, and driver-specific ones (the host driver's {@code "peer:…"} and {@code "stray:…"}).
 * Incidents of different sources never mask each other.</li>
 * <li><b>Counting.</b> Every failure is counted in its stage ({@link #count}), reported or not.</li>
 * <li><b>Opening and reporting.</b> The first failure of a pair opens its incident and is reported: to the sink (CDI
 * event, callback) or, with none, logged as a WARNING with its stack trace. While the incident stays open, repeats
 * are counted and reported again at most once per repeat interval (one minute), the log line saying how many were
 * suppressed meanwhile; so a source that never signals recovery (malformed frames, fan-in errors, a session under
 * {@code synchub.queue.overflow=drop}) is still heard from once a minute, never once per message.</li>
 * <li><b>Closing.</b> {@link #recovered} closes the incident (a successful connect, write or send). A recovery is
 * logged (INFO) only when a failure of the incident was reported since the last recovery line, so a source that
 * flaps on every batch yields at most one WARNING and one INFO per repeat interval. A failure after a recovery opens
 * a new incident, reported at once unless the last report of this pair is less than a repeat interval old.</li>
 * <li><b>Forgetting.</b> {@link #forget} drops the pair's state silently (a session that has gone away).</li>
 * </ul>
 *
 * <p>Thread-safe; {@code recovered} with no open incident is a single volatile read. A sink that throws is logged
 * and does not stop anything.
 */
final class FailureReporter {

    private static final System.Logger LOG = System.getLogger("org.synchub");

    /** Repeats of an open incident are reported at most this often. */
    static final long REPEAT_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String instanceId;
    private final Consumer<SyncFailure> sink;
    private final LongSupplier clock;
    private final long repeatIntervalNanos;
    private final Map<String, Incident> incidents = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder[] counts = new LongAdder[SyncStage.values().length];

    FailureReporter(String instanceId, Consumer<SyncFailure> sink) {
        this(instanceId, sink, System::nanoTime, REPEAT_INTERVAL_NANOS);
    }

    FailureReporter(String instanceId, Consumer<SyncFailure> sink, LongSupplier clock, long repeatIntervalNanos) {
        this.instanceId = instanceId;
        this.sink = sink;
        this.clock = clock;
        this.repeatIntervalNanos = repeatIntervalNanos;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** The state of one (stage, source) pair. Guarded by itself. */
    private static final class Incident {
        boolean open;
        boolean reportedSinceRecovery;
        boolean everReported;
        long lastReport;
        long suppressed;
    }

    void failure(SyncStage stage, String source, Throwable cause) {
        counts[stage.ordinal()].increment();
        Incident incident = incidents.computeIfAbsent(stage + " " + source, k -> new Incident());
        long suppressedBefore;
        synchronized (incident) {
            if (!incident.open) {
                incident.open = true;
                open.incrementAndGet();
            }
            long now = clock.getAsLong();
            if (incident.everReported && now - incident.lastReport < repeatIntervalNanos) {
                incident.suppressed++;
                return;
            }
            incident.everReported = true;
            incident.reportedSinceRecovery = true;
            incident.lastReport = now;
            suppressedBefore = incident.suppressed;
            incident.suppressed = 0;
        }
        report(new SyncFailure(instanceId, stage, source, cause), suppressedBefore);
    }

    private void report(SyncFailure failure, long suppressedBefore) {
        if (sink == null) {
            LOG.log(Level.WARNING, "SyncHub " + failure.stage() + " failure (" + failure.source() + ", hub "
                    + instanceId + ")" + (suppressedBefore > 0 ? " after " + suppressedBefore
                    + " more failures of this kind in the last minute" : "")
                    + "; repeats are counted and reported at most once a minute until it recovers: "
                    + failure.cause(), failure.cause());
            return;
        }
        try {
            sink.accept(failure);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "SyncFailure observer threw while handling " + failure, e);
        }
    }

    void recovered(SyncStage stage, String source) {
        if (open.get() == 0) {
            return;
        }
        Incident incident = incidents.get(stage + " " + source);
        if (incident == null) {
            return;
        }
        boolean log;
        synchronized (incident) {
            if (!incident.open) {
                return;
            }
            incident.open = false;
            open.decrementAndGet();
            log = incident.reportedSinceRecovery;
            incident.reportedSinceRecovery = false;
        }
        if (log) {
            LOG.log(Level.INFO, "SyncHub " + stage + " recovered (" + source + ", hub " + instanceId + ")");
        }
    }

    /** Forgets the pair's incident state (a closed session), without logging a recovery. */
    void forget(SyncStage stage, String source) {
        Incident incident = incidents.remove(stage + " " + source);
        if (incident != null) {
            synchronized (incident) {
                if (incident.open) {
                    incident.open = false;
                    open.decrementAndGet();
                }
            }
        }
    }

    /** Whether the incident of the pair is open now. */
    boolean isOpen(SyncStage stage, String source) {
        Incident incident = incidents.get(stage + " " + source);
        if (incident == null) {
            return false;
        }
        synchronized (incident) {
            return incident.open;
        }
    }

    long count(SyncStage stage) {
        return counts[stage.ordinal()].sum();
    }
}
