package org.synchub;

import java.util.Objects;

/**
 * A failure isolated by a hub: fired as a CDI event ({@code void on(@Observes SyncFailure f)}) and passed to the
 * callback given to a hub built in plain Java.
 *
 * <p>Failures are reported per incident, an incident being a stage and a source: the first failure of an incident
 * is reported, repeats are counted in {@link SyncCounters} and reported again at most once a minute while the
 * incident lasts; a recovery (a successful connect, write or send) ends it. Sources do not mask each other: an
 * outage of the driver's connection is reported even while, say, malformed frames are. With no observer and no
 * callback the failure is logged instead, by the same rules. Observers are called on the thread that saw the
 * failure (a driver loop, a send completion, a publisher, the hub's watchdog); they must not block, and anything
 * they throw is logged and swallowed.
 *
 * @param instanceId id of the hub instance that saw the failure
 * @param stage      where it happened
 * @param source     what failed: {@code "driver"} (the backplane connection), {@code "relay-queue"},
 *                   {@code "frames"} (malformed frames), {@code "fan-in"}, {@code "probe"}, {@code "gaps"},
 *                   {@code "watchdog:<loop>"}, a driver's own part ({@code "peer:…"}, {@code "stray:…"}), or a
 *                   session id for {@link SyncStage#DELIVERY} to that session
 * @param cause      what went wrong; its message says what and, where it can, how to fix it
 */
public record SyncFailure(String instanceId, SyncStage stage, String source, Throwable cause) {

    /**
     * Checks the components.
     *
     * @param instanceId id of the hub instance that saw the failure
     * @param stage      where it happened
     * @param source     what failed (see the class description)
     * @param cause      what went wrong
     * @throws NullPointerException if {@code stage} or {@code cause} is null
     */
    public SyncFailure {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(cause, "cause");
    }

    @Override
    public String toString() {
        return "SyncFailure[" + stage + " from " + source + " on hub " + instanceId + ": " + cause + "]";
    }
}
