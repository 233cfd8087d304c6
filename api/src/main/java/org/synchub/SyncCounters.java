package org.synchub;

/**
 * A point-in-time snapshot of a hub's counters, from {@link SyncHub#counters()}. Counts are since the hub was
 * created and only grow; the gauges ({@link #sessions()}, {@link #subscriptions()}, {@link #relayQueueBytes()},
 * {@link #largestSessionQueueBytes()}) are current values.
 *
 * @param published      publish calls accepted (from sessions and from server code)
 * @param relayed        messages written to the backplane for other instances (a message that could not be written
 *                       is a publish failure, never relayed)
 * @param received       messages that arrived from other instances
 * @param delivered      messages handed to a local session's send queue (one per recipient), direct sends included
 * @param dropped        messages a local session did not get because its send queue was full (messages the driver
 *                       could not relay are counted in {@code publishFailures})
 * @param malformed      frames from the backplane that were not valid envelopes or were over the size limit
 *                       (dropped)
 * @param gaps           messages from other instances known lost on the way (skipped sequence numbers)
 * @param subscribeFailures failures reported or suppressed with stage {@link SyncStage#SUBSCRIBE}
 * @param publishFailures   failures with stage {@link SyncStage#PUBLISH}
 * @param deliveryFailures  failures with stage {@link SyncStage#DELIVERY}
 * @param sessions       sessions currently subscribed to at least one topic
 * @param subscriptions  (session, topic) subscriptions now
 * @param relayQueueBytes bytes waiting in the driver's relay queue now
 * @param largestSessionQueueBytes bytes queued or in flight for the most backed-up session now
 * @param fanOuts        messages fanned out to local subscribers (published here or received)
 * @param fanOutNanos    total time spent queueing those copies, in nanoseconds
 * @param probes         self-probes that came back through the backplane
 * @param probeNanos     their total round-trip time, in nanoseconds
 * @param probeFailures  self-probes that did not come back in time
 */
public record SyncCounters(long published, long relayed, long received, long delivered, long dropped,
                           long malformed, long gaps, long subscribeFailures, long publishFailures,
                           long deliveryFailures, int sessions, long subscriptions, long relayQueueBytes,
                           long largestSessionQueueBytes, long fanOuts, long fanOutNanos, long probes,
                           long probeNanos, long probeFailures) {

    /**
     * Failures of one stage.
     *
     * @param stage the stage
     * @return the failures counted for it
     */
    public long failures(SyncStage stage) {
        return switch (stage) {
            case SUBSCRIBE -> subscribeFailures;
            case PUBLISH -> publishFailures;
            case DELIVERY -> deliveryFailures;
        };
    }
}
