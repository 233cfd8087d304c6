package org.synchub;

/**
 * Where in the relay a failure happened.
 *
 * <ul>
 * <li>{@link #SUBSCRIBE}: connecting to the backplane or listening on it (the backplane is unreachable, the
 * subscription dropped). Drivers reconnect by themselves; the stage is reported once per outage.</li>
 * <li>{@link #PUBLISH}: relaying a message out to the backplane (queue full, message too large, write failed).
 * Local delivery of that message has already happened.</li>
 * <li>{@link #DELIVERY}: handing a message to local subscribers (a session's send failed, a slow session
 * overflowed its queue, a malformed frame arrived from the backplane).</li>
 * </ul>
 */
public enum SyncStage {
    /** Connecting to the backplane or listening on it; also the self-probe and a driver loop that died. */
    SUBSCRIBE,
    /** Relaying a message out to the backplane; local delivery of that message has already happened. */
    PUBLISH,
    /** Handing a message to local sessions, or a frame from the backplane that was malformed, oversized or lost. */
    DELIVERY
}
