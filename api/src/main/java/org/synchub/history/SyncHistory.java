package org.synchub.history;

import jakarta.websocket.Session;

import java.util.concurrent.CompletionStage;

/**
 * A hub's message history: subscribe a session to a topic, resuming from the position its client last saw. Obtained
 * from {@link org.synchub.SyncHub#history()}. What is promised is stated in the
 * {@linkplain org.synchub.history package description}.
 *
 * <p>Thread-safe and non-blocking: the store is read on a hub thread, never the caller's; nothing throws because of
 * the store (a failure refuses the recovery as {@link SyncRecovery.Reason#UNAVAILABLE} and is reported as
 * {@link org.synchub.SyncFailure}).
 */
public interface SyncHistory {

    /**
     * Subscribes {@code session} to {@code topic} at once (as {@link org.synchub.SyncHub#subscribe}), formatting its
     * messages of this topic with {@code format}; then replays the topic's messages after {@code since} (those of
     * the session's namespace), in order, before any live message of the topic, flagged as recovered; then the live
     * messages follow without duplicate or gap. With {@code since} null nothing is replayed and the stage completes
     * with the topic's current position. A refusal still leaves the session subscribed and receiving live messages.
     * Subscribing again to the same topic replaces the format and resumes again.
     *
     * @param session an open session
     * @param topic   the topic
     * @param since   the position the client last saw, or null for a fresh subscribe
     * @param format  how this subscription's messages become frames ({@link SyncFrames#PLAIN} for the payload as is)
     * @return completes (on a hub thread) once the replayed messages are on the session's send queue, with the
     *         outcome; never completes exceptionally for store trouble
     * @throws NullPointerException     if {@code session}, {@code topic} or {@code format} is null
     * @throws IllegalArgumentException if the session's namespace property is invalid (see {@link org.synchub.SyncHub})
     */
    CompletionStage<SyncRecovery> subscribe(Session session, String topic, SyncPosition since, SyncFrames format);

    /**
     * Whether {@code topic} keeps history ({@code synchub.history.topics}). Cheap (cached per topic).
     *
     * @param topic the topic
     * @return whether its messages get positions and can be resumed
     */
    boolean enabled(String topic);
}
