package org.synchub.internal;

import org.synchub.SyncCounters;
import org.synchub.SyncHub;

import java.util.concurrent.TimeUnit;

/**
 * Reuses a hub's {@link SyncHub#counters()} snapshot for a short while, so that a metrics scrape reading twenty
 * meters takes one snapshot (which walks every session), not twenty. Holds no reference to the hub (meter
 * registries keep the hub itself only weakly). Thread-safe; never blocks.
 */
public final class CountersCache {

    /** How long a snapshot is reused. */
    static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private record Snapshot(SyncCounters counters, long takenAt) {
    }

    private volatile Snapshot last;

    /**
     * The hub's counters, taken less than 100 ms ago.
     *
     * @param hub the hub (always the same one for a given cache)
     * @return a snapshot of its counters
     */
    public SyncCounters get(SyncHub hub) {
        long now = System.nanoTime();
        Snapshot s = last;
        if (s == null || now - s.takenAt >= MAX_AGE_NANOS) {
            s = new Snapshot(hub.counters(), now);
            last = s;
        }
        return s.counters;
    }
}
