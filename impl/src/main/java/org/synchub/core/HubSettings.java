package org.synchub.core;

/**
 * Every setting of one hub, read once by {@link SyncHubBuilder#build()} from its setters and its configuration
 * source (MicroProfile Config, or system properties in plain Java); nothing below the builder reads configuration.
 * Immutable.
 *
 * @param maxQueuedBytes     bound of each session's send queue ({@value SyncHubBuilder#QUEUE_MAX_BYTES})
 * @param overflow           what a full send queue does ({@value SyncHubBuilder#QUEUE_OVERFLOW})
 * @param maxFrameBytes      largest frame accepted from the backplane ({@value SyncHubBuilder#FRAME_MAX_BYTES})
 * @param relayMaxBytes      bound of the driver's relay queue ({@value SyncHubBuilder#RELAY_MAX_BYTES})
 * @param stallNanos         how long a watched driver loop may be busy before it counts as stalled
 * @param probeIntervalNanos self-probe interval, 0 for none ({@value SyncHubBuilder#PROBE_INTERVAL_MS})
 * @param portableSend       whether every session uses the portable send path ({@value SyncHubBuilder#SEND_PORTABLE})
 * @param fanOutThreads      threads sharing a large fan-out ({@value SyncHubBuilder#FANOUT_THREADS})
 * @param fanOutInlineBelow  fan-outs to fewer sessions stay on the caller's thread
 *                           ({@value SyncHubBuilder#FANOUT_INLINE_BELOW})
 * @param closeThreads       threads that close sessions (slow ones, and all of them on close)
 * @param closeAllNanos      how long {@code close()} waits for its sessions to close
 * @param closeTimeoutNanos  a session's close that blocks longer is reported
 * @param history            the history keys ({@code synchub.history.*})
 * @param presence           the presence settings ({@code synchub.presence.*})
 */
record HubSettings(long maxQueuedBytes, OverflowPolicy overflow, int maxFrameBytes, long relayMaxBytes,
                   long stallNanos, long probeIntervalNanos, boolean portableSend, int fanOutThreads,
                   int fanOutInlineBelow, int closeThreads, long closeAllNanos,
                   long closeTimeoutNanos, HistorySettings history, PresenceSettings presence) {

    /** Threads that close sessions at a time. */
    static final int CLOSE_THREADS = 4;
    /** How long close() waits for its sessions to close. */
    static final long CLOSE_ALL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
}
