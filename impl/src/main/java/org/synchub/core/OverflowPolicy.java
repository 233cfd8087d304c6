package org.synchub.core;

/**
 * What a hub does when a session's send queue is full (the client reads slower than messages arrive).
 * Either way the other sessions are not affected and the event is reported with stage {@code DELIVERY}.
 * Configured with {@code synchub.queue.overflow}.
 */
public enum OverflowPolicy {
    /** Close the session with 1013 (try again later); the client can reconnect and resynchronise. The default. */
    CLOSE,
    /** Drop the messages that do not fit (the newest) and keep the session open. */
    DROP_NEWEST
}
