package org.synchub;

/**
 * A point-in-time snapshot of a hub's counters, from {@link SyncHub#counters()}. All counts are since the hub was
 * created and only grow; {@link #sessions()} is the current number of sessions with at least one subscription.
 *
 * @param published      publish calls accepted (from sessions and from server code)
 * @param relayed        messages handed to the driver for other instances
 * @param received       messages that arrived from other instances
 * @param delivered      messages handed to a local session's send queue (one per recipient)
 * @param dropped        messages a local session did not get because its send queue was full (messages the driver
 *                       could not relay are counted in {@code publishFailures})
 * @param malformed      frames from the backplane that were not valid envelopes (dropped)
 * @param subscribeFailures failures reported or suppressed with stage {@link SyncStage#SUBSCRIBE}
 * @param publishFailures   failures with stage {@link SyncStage#PUBLISH}
 * @param deliveryFailures  failures with stage {@link SyncStage#DELIVERY}
 * @param sessions       sessions currently subscribed to at least one topic
 */
public record SyncCounters(long published, long relayed, long received, long delivered, long dropped,
                           long malformed, long subscribeFailures, long publishFailures, long deliveryFailures,
                           int sessions) {

    /** Failures of one stage. */
    public long failures(SyncStage stage) {
        return switch (stage) {
            case SUBSCRIBE -> subscribeFailures;
            case PUBLISH -> publishFailures;
            case DELIVERY -> deliveryFailures;
        };
    }
}
