package org.synchub.spi;

import org.synchub.SyncStage;

/**
 * What the hub's relay gives its driver: the instance's identity, threads, failure reporting, and where received
 * frames go. Implemented by the relay; all methods are thread-safe, never block and never throw.
 */
public interface SyncDriverContext {

    /** Default of {@link #maxFrameBytes()}: 1 MiB. */
    int DEFAULT_MAX_FRAME_BYTES = 1 << 20;

    /**
     * The hub instance's id (for names of connections and threads; the relay writes it into every envelope).
     *
     * @return the id, fixed for the hub's lifetime
     */
    String instanceId();

    /**
     * A thread for a blocking loop of the driver's own (the relay already runs {@link SyncDriver#listen} and
     * {@link SyncDriver#send} on its threads). In a Jakarta EE server it comes from the container's
     * {@code ManagedThreadFactory}.
     *
     * @param name the thread's name, where the factory allows it
     * @param task what the thread runs
     * @return a new thread, not started
     */
    Thread newThread(String name, Runnable task);

    /**
     * Hands one frame received from the backplane to the relay, which checks its size, drops this instance's echoes
     * and malformed frames, and delivers its message. Call it from one thread at a time per connection; never
     * throws.
     *
     * @param frame the frame's bytes (not kept, not changed)
     */
    void received(byte[] frame);

    /**
     * The largest frame the relay accepts ({@code synchub.frame.max-bytes}); a driver that reads a length first
     * refuses a larger frame unread and says so through {@link #tooLarge}.
     *
     * @return the limit in bytes; {@value #DEFAULT_MAX_FRAME_BYTES} unless configured
     */
    int maxFrameBytes();

    /**
     * Counts a frame refused unread because it was too large, reports it and signals that a message may have been
     * lost.
     *
     * @param why its size, the limit and its key, and what happened (such as "its connection was dropped")
     */
    void tooLarge(String why);

    /**
     * Reports a failure of one part of the driver ({@code source}, such as {@code "driver"} or
     * {@code "peer:<name>"}): counted every time, reported to observers once per incident of that stage and source.
     * A frame the driver drops as malformed (say, a reference to data that is gone) is reported as {@code DELIVERY}
     * with a {@link org.synchub.SyncMalformedFrameException}, which the relay also counts as malformed.
     *
     * @param stage  where it failed
     * @param source the part that failed
     * @param cause  what went wrong; its message should say what and how to fix it
     */
    void failure(SyncStage stage, String source, Throwable cause);

    /**
     * Ends the incident of {@code stage} and {@code source}, if one is open. Cheap when none is.
     *
     * @param stage  the stage that works again
     * @param source the part that works again
     */
    void recovered(SyncStage stage, String source);
}
