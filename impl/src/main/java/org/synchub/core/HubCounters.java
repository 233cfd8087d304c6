package org.synchub.core;

import org.synchub.SyncCounters;

import java.util.concurrent.atomic.LongAdder;

/**
 * The hub's own counts, each a {@link LongAdder} that any thread adds to without contention; {@link #snapshot}
 * reads them, with the gauges the caller measures, into a {@link SyncCounters}. Thread-safe.
 */
final class HubCounters {

    final LongAdder published = new LongAdder();
    final LongAdder relayed = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder gaps = new LongAdder();
    final LongAdder fanOuts = new LongAdder();
    final LongAdder fanOutNanos = new LongAdder();
    /** Writes that carried several messages, and pipelined sends started while others were in flight. */
    final LongAdder batchedWrites = new LongAdder();

    /** The counts, in a builder for the caller to add failures, gauges and probes to. */
    SyncCounters.Builder snapshot() {
        return SyncCounters.builder().published(published.sum()).relayed(relayed.sum()).received(received.sum())
                .delivered(delivered.sum()).dropped(dropped.sum()).malformed(malformed.sum()).gaps(gaps.sum())
                .fanOuts(fanOuts.sum(), fanOutNanos.sum());
    }
}
