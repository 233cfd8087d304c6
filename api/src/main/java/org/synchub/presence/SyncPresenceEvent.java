package org.synchub.presence;

import java.util.Objects;

/**
 * A member joined or left a presence topic somewhere in the cluster. Fired as a CDI event
 * ({@code void on(@Observes SyncPresenceEvent e)}) and passed to the builder's {@code onPresence} callback, on every
 * instance of the channel, at most once per instance for each change; see the package description for when events
 * are not sent (large topics, outages).
 *
 * <p>Observers run on the hub's presence thread, one event at a time: they must not block (hand work to an
 * executor); what they throw is logged and swallowed.
 *
 * @param instanceId    the hub instance that fires the event (not necessarily the member's)
 * @param type          join or leave
 * @param topic         the topic
 * @param member        who joined or left
 * @param userEdge      for a join, whether it is the user's first connection in the topic across all tabs and
 *                      instances; for a leave, whether it was the user's last
 * @param expired       for a leave, whether the member's instance stopped refreshing it (died, or was cut off
 *                      from the backplane for longer than the time to live) rather than the session leaving
 */
public record SyncPresenceEvent(String instanceId, Type type, String topic, SyncMember member, boolean userEdge,
                                boolean expired) {

    /** What happened. */
    public enum Type {
        /** A session subscribed to the topic. */
        JOIN,
        /** A session unsubscribed, closed, or its instance stopped refreshing it. */
        LEAVE
    }

    /**
     * Checks the components.
     *
     * @param instanceId the firing instance
     * @param type       join or leave
     * @param topic      the topic
     * @param member     the member
     * @param userEdge   first join or last leave of the user
     * @param expired    whether a leave is an expiry
     * @throws NullPointerException if an object component is null
     */
    public SyncPresenceEvent {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(member, "member");
    }

    /** @return whether this is the user's first connection in the topic ("alice joined") */
    public boolean firstForUser() {
        return type == Type.JOIN && userEdge;
    }

    /** @return whether this was the user's last connection in the topic ("alice left") */
    public boolean lastForUser() {
        return type == Type.LEAVE && userEdge;
    }
}
