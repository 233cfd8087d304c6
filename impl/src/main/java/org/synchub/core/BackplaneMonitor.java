package org.synchub.core;

import org.synchub.SyncException;
import org.synchub.SyncHealth;
import org.synchub.SyncResync;
import org.synchub.SyncStage;
import org.synchub.internal.Relay;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What the hub knows of its backplane: whether the subscription is live (as the driver reports it) and whether it
 * really delivers (the self-probe), from which {@link SyncHealth} is made, and the resync signals that follow an
 * outage.
 *
 * <h2>Self-probe</h2>
 * Every probe interval ({@code synchub.probe.interval-ms}, default 5 s, 0 to turn it off), on a backplane that
 * echoes ({@link Relay#echoes()}), the watchdog has the relay send a probe frame ({@link Relay#probe}) and expects
 * it back through the hub's own subscription before the next one is due. A probe that has not come back by then is
 * reported as {@code SUBSCRIBE} from source {@code "probe"}, the hub is not ready, and the driver is asked to make
 * its subscription again ({@link Relay#resubscribe()}); so a subscription that is connected but silent is found
 * within two intervals. The next probe that comes back ends the incident and fires a resync for the silent window.
 * Probe envelopes carry no message: crossws drops them, other SyncHub instances ignore them.
 *
 * <p>Thread-safe: driver threads report subscription state and probe echoes, the watchdog ticks.
 */
final class BackplaneMonitor {

    static final String PROBE_SOURCE = "probe";

    private final String instanceId;
    private final FailureReporter failures;
    private final Consumer<SyncResync> resyncs;
    private final long intervalNanos;

    private volatile Relay relay;
    private volatile boolean probing;

    /** Guarded by this. */
    private boolean subscribed;
    private boolean everSubscribed;
    private Instant downSince = Instant.now();
    private String lastError = "connecting to the backplane";
    private long outstandingProbe = -1;
    private long probeSentAt;
    private long lastProbeSent;
    private long probeCounter;
    private boolean probeFailing;
    private Instant probeFailingSince;
    private Duration lastRoundTrip;

    final LongAdder probes = new LongAdder();
    final LongAdder probeNanos = new LongAdder();
    final LongAdder probeFailures = new LongAdder();

    BackplaneMonitor(String instanceId, FailureReporter failures, Consumer<SyncResync> resyncs, long intervalNanos) {
        this.instanceId = instanceId;
        this.failures = failures;
        this.resyncs = resyncs;
        this.intervalNanos = intervalNanos;
    }

    /** Starts watching {@code started}, whose {@code start} has just returned. */
    void started(Relay started) {
        this.relay = started;
        this.probing = intervalNanos > 0 && started.echoes();
        if (!started.reportsSubscription()) {
            subscribed();
        }
    }

    /** The driver reports its subscription live. */
    void subscribed() {
        Instant outageStart = null;
        synchronized (this) {
            if (subscribed) {
                return;
            }
            subscribed = true;
            if (everSubscribed && downSince != null) {
                outageStart = downSince;
            }
            everSubscribed = true;
            if (!probeFailing) {
                downSince = null;
            }
        }
        if (outageStart != null) {
            resync(SyncResync.Reason.OUTAGE, outageStart);
        }
    }

    /** The driver reports its subscription lost (or failing to be made). */
    synchronized void unsubscribed(Throwable cause) {
        lastError = String.valueOf(cause.getMessage() != null ? cause.getMessage() : cause);
        if (subscribed || downSince == null) {
            subscribed = false;
            if (downSince == null) {
                downSince = Instant.now();
            }
        }
        outstandingProbe = -1; // a probe in flight across an outage proves nothing
    }

    /** Called by the watchdog about once a second: checks the outstanding probe and sends the next one. */
    void tick(long now) {
        if (!probing) {
            return;
        }
        long send = -1;
        boolean failed = false;
        long waited = 0;
        synchronized (this) {
            if (outstandingProbe >= 0 && now - probeSentAt >= intervalNanos) {
                failed = true;
                waited = now - probeSentAt;
                outstandingProbe = -1;
                if (!probeFailing) {
                    probeFailing = true;
                    probeFailingSince = Instant.now().minusNanos(waited);
                    if (downSince == null) {
                        downSince = probeFailingSince;
                    }
                }
            }
            if (subscribed && outstandingProbe < 0 && now - lastProbeSent >= intervalNanos) {
                outstandingProbe = ++probeCounter;
                probeSentAt = now;
                lastProbeSent = now;
                send = outstandingProbe;
            }
        }
        if (failed) {
            probeFailures.increment();
            String what = "a self-probe sent through " + relay + " " + TimeUnit.NANOSECONDS.toMillis(waited)
                    + " ms ago has not come back through this instance's own subscription: it is connected but "
                    + "not delivering; making it again (synchub.probe.interval-ms)";
            synchronized (this) {
                lastError = what;
            }
            failures.failure(SyncStage.SUBSCRIBE, PROBE_SOURCE, new SyncException(what));
            try {
                relay.resubscribe();
            } catch (RuntimeException e) {
                failures.failure(SyncStage.SUBSCRIBE, PROBE_SOURCE, e);
            }
        }
        if (send >= 0) {
            try {
                relay.probe(send);
            } catch (RuntimeException e) {
                failures.failure(SyncStage.PUBLISH, PROBE_SOURCE, e);
            }
        }
    }

    /** This hub's own probe {@code number} came back, at {@code now}. */
    void probeReturned(long number, long now) {
        Instant silentSince = null;
        synchronized (this) {
            if (number != outstandingProbe) {
                return; // late: it already counted as failed
            }
            outstandingProbe = -1;
            long rtt = now - probeSentAt;
            lastRoundTrip = Duration.ofNanos(rtt);
            probes.increment();
            probeNanos.add(rtt);
            if (probeFailing) {
                probeFailing = false;
                silentSince = probeFailingSince;
                if (subscribed) {
                    downSince = null;
                }
            }
        }
        if (silentSince != null) {
            failures.recovered(SyncStage.SUBSCRIBE, PROBE_SOURCE);
            resync(SyncResync.Reason.SILENT_SUBSCRIPTION, silentSince);
        }
    }

    void resync(SyncResync.Reason reason, Instant from) {
        resyncs.accept(new SyncResync(instanceId, reason, from, Instant.now(), null, -1));
    }

    /** The health now, given whether the hub is live and why not. */
    synchronized SyncHealth health(Throwable deadCause, boolean stalled) {
        boolean live = deadCause == null && !stalled;
        boolean ready = live && subscribed && !probeFailing;
        String error = deadCause != null ? String.valueOf(deadCause)
                : stalled ? "a driver loop is stuck inside one frame (see the SUBSCRIBE failure from watchdog:*)"
                : lastError;
        return new SyncHealth(ready, live, String.valueOf(relay), subscribed,
                ready ? null : downSince != null ? downSince : Instant.now(), error, lastRoundTrip, probing);
    }
}
