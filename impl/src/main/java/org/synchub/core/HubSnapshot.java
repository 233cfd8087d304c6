package org.synchub.core;

import jakarta.websocket.Session;

import java.util.Map;
import java.util.Set;

/**
 * What the hub holds at one moment, for tests and diagnostics: the one way tests look inside a hub
 * ({@link DefaultSyncHub#snapshot()}). Taken without stopping the hub, so its parts may be from slightly different
 * moments. Immutable.
 *
 * @param sessions              each session the hub holds, with its state
 * @param subscribedSessions    sessions with at least one topic
 * @param indexedSubscriptions  member entries in the topic index, over all namespaces and topics
 * @param indexedNamespaces     namespaces in the topic index (an empty one must be removed)
 * @param fanOutHandOffs        batches of sends handed to fan-out worker threads so far
 * @param batchedWrites         writes that carried several messages, and pipelined sends started behind others
 * @param deadCause             why the hub can no longer receive from the backplane, or null while it can
 * @param stalled               whether a watched driver loop is stalled now
 * @param settings              the settings the hub was built with
 */
record HubSnapshot(Map<Session, SessionState> sessions, int subscribedSessions, int indexedSubscriptions,
                   int indexedNamespaces, long fanOutHandOffs, long batchedWrites, Throwable deadCause,
                   boolean stalled, HubSettings settings) {

    /**
     * One session's state.
     *
     * @param open        whether the session is open
     * @param phase       its lifecycle phase
     * @param topics      its topics
     * @param queuedBytes bytes queued or in flight for it
     * @param fastSend    whether it is written through a container's fast path (known after its first send)
     */
    record SessionState(boolean open, Membership.Phase phase, Set<String> topics, long queuedBytes,
                        boolean fastSend) {
    }

    /** @return the state of {@code session}, or null when the hub does not hold it */
    SessionState session(Session session) {
        return sessions.get(session);
    }

    /** @return bytes queued or in flight for {@code session}; 0 when the hub does not hold it */
    long queuedBytes(Session session) {
        SessionState state = sessions.get(session);
        return state == null ? 0 : state.queuedBytes();
    }
}
