package org.synchub.presence;

import jakarta.websocket.Session;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Cluster-wide presence of one hub: who is in a presence topic on every instance, how many, and who they are.
 * Obtained from {@code SyncHub.presence()}; the package description is the user guide (which topics, identities,
 * events, guarantees and limits).
 *
 * <p><b>Threading and failures.</b> Thread-safe. {@link #enabled} and {@link #identify} never block. The reads
 * never block the caller: they run on the hub's presence thread and complete the returned stage there; when the
 * backplane fails, the stage completes exceptionally (with the store's exception) and nothing is reported as a
 * {@code SyncFailure}. After the hub is closed, reads complete exceptionally with an
 * {@link IllegalStateException}.
 */
public interface SyncPresence {

    /**
     * Connections and distinct users in a topic.
     *
     * @param connections members (sessions) in the topic on every instance
     * @param users       distinct user ids among them
     */
    record Count(long connections, long users) {
    }

    /**
     * Whether {@code topic} is a presence topic (matches a pattern of {@code synchub.presence.topics}).
     *
     * @param topic the topic
     * @return whether its subscribers are members
     * @throws NullPointerException if {@code topic} is null
     */
    boolean enabled(String topic);

    /**
     * Sets who {@code session} is, for the presence topics it subscribes to from now on (call it before subscribing;
     * subscriptions made earlier keep the identity they were made with). Without it, the member's user id is the
     * session's user principal's name, or the session's id when it has no principal.
     *
     * @param session the session
     * @param userId  the user id (non-empty)
     * @param info    a small piece of text to show others (typically JSON), at most
     *                {@code synchub.presence.info-max-bytes} UTF-8 bytes; or null
     * @throws NullPointerException     if {@code session} or {@code userId} is null
     * @throws IllegalArgumentException if {@code userId} is empty or {@code info} is too large
     */
    void identify(Session session, String userId, String info);

    /**
     * The members of {@code topic} on every instance. Members of an instance that died are included until they
     * expire (see the package description).
     *
     * @param topic the topic
     * @return the members, in no particular order; empty for a topic that is not a presence topic
     */
    CompletionStage<List<SyncMember>> members(String topic);

    /**
     * The numbers of connections and distinct users in {@code topic}, without fetching the members.
     *
     * @param topic the topic
     * @return the counts; zero for a topic that is not a presence topic
     */
    CompletionStage<Count> count(String topic);
}
