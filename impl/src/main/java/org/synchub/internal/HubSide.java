package org.synchub.internal;

import org.synchub.SyncResync;
import org.synchub.SyncStage;

/**
 * What a {@link Relay} needs from its hub besides the messages ({@link Relay.Listener}): threads, failure
 * reporting, loop watches, resync signals, and where the backplane's state goes (subscription up or down, self-probes
 * back). Implemented by the hub; every method is thread-safe, must not block and must not throw.
 */
public interface HubSide {

    /** @return the hub instance's id */
    String instanceId();

    /**
     * A new, unstarted thread from the hub's thread factory.
     *
     * @param name the thread's name, where the factory allows it
     * @param task what it runs
     * @return the thread
     */
    Thread newThread(String name, Runnable task);

    /**
     * Reports a failure (counted every time, reported once per incident of stage and source).
     *
     * @param stage  where it failed
     * @param source the part that failed
     * @param cause  what went wrong
     */
    void failure(SyncStage stage, String source, Throwable cause);

    /**
     * Ends the incident of {@code stage} and {@code source}.
     *
     * @param stage  the stage that works again
     * @param source the part that works again
     */
    void recovered(SyncStage stage, String source);

    /**
     * The watch of one relay loop.
     *
     * @param name what the loop does, for reports
     * @return its watch
     */
    LoopWatch watch(String name);

    /**
     * Tells the application that messages from other instances may have been lost.
     *
     * @param resync the signal
     */
    void resync(SyncResync resync);

    /** The backplane subscription is live. */
    void subscribed();

    /**
     * The backplane subscription is lost or cannot be made.
     *
     * @param cause why
     */
    void unsubscribed(Throwable cause);

    /**
     * This instance's self-probe came back.
     *
     * @param number   the probe's number
     * @param nanoTime when, as {@link System#nanoTime()}
     */
    void probeReturned(long number, long nanoTime);
}
