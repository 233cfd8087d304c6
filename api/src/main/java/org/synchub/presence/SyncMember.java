package org.synchub.presence;

import java.util.Objects;

/**
 * One member of a presence topic: one WebSocket connection (a session on one hub instance) of one user. A user with
 * three tabs open is three members with the same {@link #userId()}. Immutable; see the package description for who
 * is a member and what is promised.
 *
 * @param userId       the user, as {@link SyncPresence#identify identified} (by default the session's user
 *                     principal's name, else the session id)
 * @param connectionId the session's id on its instance ({@code Session.getId()})
 * @param instanceId   the hub instance holding the session ({@code SyncHub.instanceId()})
 * @param namespace    the session's namespace (see {@code SyncHub}); presence is per topic across namespaces
 * @param info         what the application attached with {@link SyncPresence#identify} (typically a small JSON
 *                     object; carried verbatim, never parsed), or null
 */
public record SyncMember(String userId, String connectionId, String instanceId, String namespace, String info) {

    /**
     * Checks the components.
     *
     * @param userId       the user
     * @param connectionId the session's id
     * @param instanceId   the hub instance
     * @param namespace    the session's namespace
     * @param info         the application's info, or null
     * @throws NullPointerException if any component but {@code info} is null
     */
    public SyncMember {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(namespace, "namespace");
    }

    /**
     * The member's key, unique in the cluster: {@code instanceId + ":" + connectionId}. Stores key members by it.
     *
     * @return the key
     */
    public String key() {
        return instanceId + ":" + connectionId;
    }
}
