package org.synchub;

import java.util.Objects;

/**
 * A failure isolated by a hub: fired as a CDI event ({@code void on(@Observes SyncFailure f)}) and passed to the
 * callback given to a hub built in plain Java.
 *
 * <p>Failures are reported once per incident: the first failure of a stage from one source (the driver, or one
 * session) is reported, repeats are counted in {@link SyncCounters} but not reported again until that source
 * recovered. With no observer and no callback the failure is logged instead, with the same once-per-incident rule.
 * Observers are called on the thread that saw the failure (a driver loop, a send completion, a publisher); they must
 * not block, and anything they throw is logged and swallowed.
 *
 * @param instanceId id of the hub instance that saw the failure
 * @param stage      where it happened
 * @param source     what failed: {@code "driver"}, or a session id for {@link SyncStage#DELIVERY}
 * @param cause      what went wrong; its message says what and, where it can, how to fix it
 */
public record SyncFailure(String instanceId, SyncStage stage, String source, Throwable cause) {

    public SyncFailure {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(cause, "cause");
    }

    @Override
    public String toString() {
        return "SyncFailure[" + stage + " from " + source + " on hub " + instanceId + ": " + cause + "]";
    }
}
