package org.synchub.core;

import org.synchub.SyncFailure;
import org.synchub.SyncStage;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Counts every failure and reports the first of each incident: an incident is a (stage, source) pair that failed
 * and has not recovered since. Reports go to the sink (CDI event, callback) or, with none, to the log.
 */
final class FailureReporter {

    private static final System.Logger LOG = System.getLogger("org.synchub");

    private final String instanceId;
    private final Consumer<SyncFailure> sink;
    private final Set<String> openIncidents = ConcurrentHashMap.newKeySet();
    private final LongAdder[] counts = new LongAdder[SyncStage.values().length];

    FailureReporter(String instanceId, Consumer<SyncFailure> sink) {
        this.instanceId = instanceId;
        this.sink = sink;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void failure(SyncStage stage, String source, Throwable cause) {
        counts[stage.ordinal()].increment();
        if (!openIncidents.add(stage + " " + source)) {
            return;
        }
        SyncFailure failure = new SyncFailure(instanceId, stage, source, cause);
        if (sink == null) {
            LOG.log(Level.WARNING, "SyncHub " + stage + " failure (" + source + ", hub " + instanceId
                    + "); repeats are counted, not logged, until it recovers: " + cause, cause);
            return;
        }
        try {
            sink.accept(failure);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "SyncFailure observer threw while handling " + failure, e);
        }
    }

    void recovered(SyncStage stage, String source) {
        if (!openIncidents.isEmpty() && openIncidents.remove(stage + " " + source)) {
            LOG.log(Level.INFO, "SyncHub " + stage + " recovered (" + source + ", hub " + instanceId + ")");
        }
    }

    /** Forgets the incidents of a source that is gone (a closed session), without logging a recovery. */
    void forget(SyncStage stage, String source) {
        openIncidents.remove(stage + " " + source);
    }

    long count(SyncStage stage) {
        return counts[stage.ordinal()].sum();
    }
}
